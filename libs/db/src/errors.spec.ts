import { isDatabaseUnavailable, mapDatabaseErrors } from './errors';

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', '57P01', '08006', '53300'])(
    'is true for %s',
    (code) => {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
    },
  );

  it.each(['23505', '42P01', undefined])(
    'is false for %s (a query problem, not an outage)',
    (code) => {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(false);
    },
  );

  it('maps outages to 503 DATABASE_UNAVAILABLE and leaves other errors alone', () => {
    expect(
      mapDatabaseErrors(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
    });
    expect(mapDatabaseErrors(new Error('x'))).toBeUndefined();
  });
});
