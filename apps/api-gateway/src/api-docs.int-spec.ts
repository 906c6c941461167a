import { endpointList } from '@qual-meet/protocol';
import { useGatewayUnderTest } from './test-support/gateway-under-test';

// The OpenAPI document is generated from the routes the gateway serves; these tests fail when a
// route has no schema, or the document and the endpoint table (hence the routes) disagree.

const gateway = useGatewayUnderTest({ upstreams: [] });

interface Operation {
  summary?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

async function document(): Promise<Document> {
  const response = await gateway.app.inject({ url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  return response.json();
}

it('serves one OpenAPI 3.1 document of exactly the endpoint table, without a token', async () => {
  const doc = await document();
  expect(doc.openapi).toBe('3.1.0');
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const table = endpointList.map((e) => `${e.method} ${openApiPath(e.path)}`);
  expect(documented.sort()).toEqual([...table].sort());
});

it('documents each endpoint with the schemas of its route', async () => {
  const doc = await document();
  for (const endpoint of endpointList) {
    expect(gateway.app.hasRoute({ method: endpoint.method, url: endpoint.path })).toBe(true);
    const operation = doc.paths[openApiPath(endpoint.path)]![endpoint.method.toLowerCase()]!;
    const where = `${endpoint.method} ${endpoint.path}`;
    expect({ where, summary: operation.summary }).toEqual({ where, summary: endpoint.summary });
    for (const status of Object.keys(endpoint.response)) {
      expect({ where, status, has: operation.responses[status] !== undefined }).toEqual({
        where,
        status,
        has: true,
      });
    }
    const success = Object.entries(operation.responses).find(([s]) => s.startsWith('2'));
    if (success?.[0] !== '204') {
      expect({ where, schema: success?.[1].content?.['application/json']?.schema }).toEqual({
        where,
        schema: expect.objectContaining({}),
      });
    }
    expect({ where, body: operation.requestBody !== undefined }).toEqual({
      where,
      body: endpoint.body !== undefined,
    });
    const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
    expect({ where, params: pathParams.map((p) => p.name) }).toEqual({
      where,
      params: [...endpoint.path.matchAll(/:(\w+)/g)].map((m) => m[1]),
    });
    expect({ where, secured: (operation.security ?? []).length > 0 }).toEqual({
      where,
      secured: endpoint.access === 'bearer',
    });
  }
});

it('describes the bodies as the services validate them: strict, with their limits', async () => {
  const doc = await document();
  const signup = doc.paths['/api/auth/signup']!.post!.requestBody!.content['application/json']!
    .schema as {
    properties: Record<string, { maxLength?: number }>;
    additionalProperties?: unknown;
  };
  expect(signup.additionalProperties).toBe(false);
  expect(signup.properties['password']?.maxLength).toBe(128);
});

it('serves the docs page under the API strict policy, opened only for its own assets', async () => {
  const page = await gateway.app.inject({ url: '/api/docs/' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*;/);
  expect(csp).not.toContain('unsafe-inline');
  expect(page.body).not.toMatch(/<script>[^<]/);
  const initializer = await gateway.app.inject({
    url: '/api/docs/static/swagger-initializer.js',
  });
  expect(initializer.statusCode).toBe(200);
});
