import { z } from 'zod';
import { Errors } from './errors';
import { createServiceApp } from './service-app';

async function appWithRoutes(checkOk = true) {
  const app = await createServiceApp({
    name: 'spec',
    logLevel: 'silent',
    readiness: { thing: async () => (checkOk ? 'ok' : Promise.reject(new Error('down'))) },
  });
  app.post(
    '/echo',
    { schema: { body: z.strictObject({ name: z.string().min(2) }) } },
    async (request) => request.body,
  );
  app.get('/boom', async () => {
    throw new Error('secret internal detail');
  });
  app.get('/taken', async () => {
    throw new Errors.EmailTaken();
  });
  return app;
}

describe('createServiceApp', () => {
  it('refuses to start with an /api route that has no response schema', async () => {
    const app = await createServiceApp({ name: 'spec', logLevel: 'silent', readiness: {} });
    app.get('/api/undocumented', async () => ({ ok: true }));
    await expect(app.ready()).rejects.toThrow('GET /api/undocumented has no response schema');
    await app.close();
  });

  it('starts with /api routes that have their schemas', async () => {
    const app = await createServiceApp({ name: 'spec', logLevel: 'silent', readiness: {} });
    app.get(
      '/api/documented',
      { schema: { response: { 200: z.object({ ok: z.boolean() }) } } },
      async () => ({ ok: true }),
    );
    expect((await app.inject({ url: '/api/documented' })).json()).toEqual({ ok: true });
    await app.close();
  });

  it('renders registry errors in Fastify shape', async () => {
    const app = await appWithRoutes();
    const response = await app.inject({ url: '/taken' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      statusCode: 409,
      code: 'EMAIL_TAKEN',
      error: 'Conflict',
      message: 'This email is already registered',
    });
    await app.close();
  });

  it('hides the detail of unexpected errors behind a 500 INTERNAL_ERROR', async () => {
    const app = await appWithRoutes();
    const response = await app.inject({ url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      error: 'Internal Server Error',
      message: expect.any(String),
    });
    expect(response.body).not.toContain('secret');
    await app.close();
  });

  it('names the invalid field and rejects unknown ones', async () => {
    const app = await appWithRoutes();
    const short = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x' } });
    expect(short.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      field: 'name',
    });
    const extra = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { name: 'xy', admin: true },
    });
    expect(extra.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      field: 'admin',
    });
    await app.close();
  });

  it('reports readiness per dependency', async () => {
    const down = await appWithRoutes(false);
    const response = await down.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { thing: 'down' } });
    await down.close();
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics with request durations when enabled', async () => {
    const app = await createServiceApp({
      name: 'spec',
      logLevel: 'silent',
      readiness: {},
      metrics: true,
    });
    await app.inject({ url: '/healthz' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/,
    );
    await app.close();
  });
});
