import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { endpointList, type Endpoint } from '@qual-meet/protocol';
import { routeOf } from '@qual-meet/server-kit';

/** Where the OpenAPI document and its page are served (DESIGN §6), through the gateway. */
export const OPENAPI_PATH = '/api/openapi.json';
export const API_DOCS_PREFIX = '/api/docs';

const endpointsByRoute = new Map(endpointList.map((e) => [`${e.method} ${e.path}`, e]));
/** The endpoint a route serves; a HEAD route is its GET route's (Fastify adds them). */
function endpointAt(method: unknown, url: string): Endpoint | undefined {
  const verb = String(Array.isArray(method) ? method[0] : method);
  return endpointsByRoute.get(`${verb === 'HEAD' ? 'GET' : verb} ${url}`);
}

/** The services validate; the gateway's copy of each schema is for the document only. */
const passThrough = () => (value: unknown) => ({ value });

/**
 * The OpenAPI 3.1 document of the public API, from the endpoint table (libs/protocol) through
 * fastify-type-provider-zod's transform, at `GET /api/openapi.json`, and Swagger UI at
 * `/api/docs`. Every proxied route gets its endpoint's schemas when it is added, so the
 * document is generated from the routes the gateway really serves; anything else (health,
 * metrics, the docs themselves) stays out of it. Register before the routes.
 */
export const apiDocs = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      const endpoint = endpointAt(route.method, route.url);
      if (!endpoint) return;
      route.schema = { ...routeOf(endpoint).schema, ...route.schema };
      route.validatorCompiler = passThrough;
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'QUAL_MEET API',
          version: '1',
          description: 'Accounts, meetings and ICE servers, through the API gateway (DESIGN §3).',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: (input) => {
        const endpoint = endpointAt(input.route.method, input.url);
        if (!endpoint) return { schema: { ...input.schema, hide: true }, url: input.url };
        const { schema, url } = jsonSchemaTransform(input);
        return {
          url,
          schema: {
            ...schema,
            summary: endpoint.summary,
            tags: [endpoint.upstream],
            security: endpoint.access === 'bearer' ? [{ bearer: [] }] : [],
          },
        };
      },
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, {
      routePrefix: API_DOCS_PREFIX,
      // The API's own strict policy, opened only for the page's own scripts and styles (and any
      // inline ones @fastify/swagger-ui lists hashes for); nginx adds no CSP under /api/.
      staticCSP: true,
      transformStaticCSP: () =>
        [
          "default-src 'none'",
          "base-uri 'none'",
          "connect-src 'self'",
          "font-src 'self' data:",
          "frame-ancestors 'none'",
          "img-src 'self' data:",
          "object-src 'none'",
          ["script-src 'self'", ...app.swaggerCSP.script].join(' '),
          "script-src-attr 'none'",
          ["style-src 'self'", ...app.swaggerCSP.style].join(' '),
          "form-action 'none'",
        ].join('; '),
    });
    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'api-docs' },
);
