/** The body of a 401 from any service (DESIGN §3), whatever its message. */
export const unauthorizedBody = () => ({
  statusCode: 401,
  code: 'UNAUTHORIZED',
  error: 'Unauthorized',
  message: expect.any(String),
});

/** What a 400 for an invalid `field` carries (DESIGN §3); match it with `toMatchObject`. */
export const validationFailedFor = (field: string) => ({
  statusCode: 400,
  code: 'VALIDATION_FAILED',
  error: 'Bad Request',
  field,
});
