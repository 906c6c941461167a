import { forwardedHeaders, mapUpstreamErrors } from './upstreams';

describe('forwardedHeaders', () => {
  it('drops every client-supplied identity header and sets our request id', () => {
    const sent = forwardedHeaders('req-1', {
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'x-user-id': 'admin',
      'X-User-Email': 'root@example.com',
      'x-authenticated-userid': 'admin',
      'x-auth-request-user': 'admin',
      'x-remote-user': 'admin',
      'x-forwarded-user': 'admin',
      'remote-user': 'admin',
      'x-request-id': 'spoofed',
      'x-useful-header': 'kept',
    });
    expect(sent).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'x-useful-header': 'kept',
    });
  });
});

describe('mapUpstreamErrors', () => {
  const error = (code: string, statusCode?: number) =>
    Object.assign(new Error(code), { code, statusCode });

  it('reports an unreachable service as 503 UPSTREAM_UNAVAILABLE', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
      'UND_ERR_SOCKET',
    ]) {
      expect(mapUpstreamErrors(error(code, 503))).toMatchObject({
        statusCode: 503,
        code: 'UPSTREAM_UNAVAILABLE',
      });
    }
  });

  it('reports a slow service as 504 UPSTREAM_TIMEOUT', () => {
    expect(mapUpstreamErrors(error('FST_REPLY_FROM_GATEWAY_TIMEOUT', 504))).toMatchObject({
      statusCode: 504,
      code: 'UPSTREAM_TIMEOUT',
    });
  });

  it('leaves other errors alone', () => {
    expect(mapUpstreamErrors(error('EMAIL_TAKEN', 409))).toBeUndefined();
    expect(mapUpstreamErrors(new Error('plain'))).toBeUndefined();
  });
});
