import { forwardedHeaders, returnedHeaders, upstreamError } from './upstreams';

describe('forwardedHeaders', () => {
  it('drops every client-supplied identity header and sets our request id', () => {
    const sent = forwardedHeaders(
      'req-1',
      {
        authorization: 'Bearer t',
        'content-type': 'application/json',
        'x-user-id': 'admin',
        'x-user-email': 'root@example.com',
        'x-authenticated-userid': 'admin',
        'x-auth-request-user': 'admin',
        'x-remote-user': 'admin',
        'x-forwarded-user': 'admin',
        'remote-user': 'admin',
        'x-request-id': 'spoofed',
        'x-useful-header': 'kept',
      },
      false,
    );
    expect(sent).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'x-useful-header': 'kept',
    });
  });

  const framed = {
    host: 'room-service:3002',
    connection: 'keep-alive, upgrade',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    'content-length': '12',
    upgrade: 'websocket',
    te: 'trailers',
    'proxy-authorization': 'Basic eDp5',
    accept: 'application/json',
  };

  it('drops hop-by-hop headers, keeping the length the proxy computed for the body', () => {
    expect(forwardedHeaders('req-2', framed, true)).toEqual({
      host: 'room-service:3002',
      'content-length': '12',
      accept: 'application/json',
      'x-request-id': 'req-2',
    });
  });

  it('drops a content-length that no body follows (the service would wait for it)', () => {
    expect(forwardedHeaders('req-2', framed, false)).toEqual({
      host: 'room-service:3002',
      accept: 'application/json',
      'x-request-id': 'req-2',
    });
  });
});

describe('returnedHeaders', () => {
  it("keeps the service's headers, cookies included, and drops the connection's own", () => {
    expect(
      returnedHeaders({
        'content-type': 'application/json; charset=utf-8',
        'content-length': '42',
        connection: 'keep-alive',
        'keep-alive': 'timeout=72',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=1; HttpOnly', 'b=2; HttpOnly'],
        'x-request-id': 'req-3',
      }),
    ).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'content-length': '42',
      'set-cookie': ['a=1; HttpOnly', 'b=2; HttpOnly'],
      'x-request-id': 'req-3',
    });
  });
});

describe('upstreamError', () => {
  const error = (code: string) => Object.assign(new Error(code), { code });

  it('reports an unreachable or failing service as 503 UPSTREAM_UNAVAILABLE', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_RES_EXCEEDED_MAX_SIZE',
    ]) {
      expect(upstreamError(error(code))).toMatchObject({
        statusCode: 503,
        code: 'UPSTREAM_UNAVAILABLE',
      });
    }
    expect(upstreamError(new Error('plain'))).toMatchObject({ statusCode: 503 });
  });

  it('reports a service too slow to answer as 504 UPSTREAM_TIMEOUT', () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(upstreamError(error(code))).toMatchObject({
        statusCode: 504,
        code: 'UPSTREAM_TIMEOUT',
      });
      // As @fastify/reply-from reports it: its own error, the undici one as the cause.
      const wrapped = Object.assign(new Error('wrapped'), {
        code: 'FST_REPLY_FROM_X',
        cause: error(code),
      });
      expect(upstreamError(wrapped)).toMatchObject({ statusCode: 504 });
    }
  });
});
