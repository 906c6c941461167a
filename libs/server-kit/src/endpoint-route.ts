import type { Endpoint } from '@qual-meet/protocol';

/** The Fastify route options of an endpoint of the table: method, full path and schemas. */
export interface EndpointRoute<E extends Endpoint> {
  method: E['method'];
  url: E['path'];
  schema: {
    body: E['body'];
    params: E['params'];
    querystring: E['querystring'];
    response: E['response'];
  };
}

/**
 * A service's route for an endpoint of `Endpoints` (libs/protocol), so its path, method and
 * schemas are the ones the gateway routes and the SPA calls: `app.route({ ...routeOf(e), handler })`.
 * Paths are the full public ones; register the route plugin without a prefix.
 */
export function routeOf<E extends Endpoint>(endpoint: E): EndpointRoute<E> {
  const { body, params, querystring, response } = endpoint;
  // Only the parts the endpoint has: Fastify (and the OpenAPI document) see no empty keys.
  const schema = Object.fromEntries(
    Object.entries({ body, params, querystring, response }).filter(([, v]) => v !== undefined),
  );
  return {
    method: endpoint.method,
    url: endpoint.path,
    schema: schema as EndpointRoute<E>['schema'],
  };
}
