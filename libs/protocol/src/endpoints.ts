import { z } from 'zod';
import {
  authSessionSchema,
  createRoomBodySchema,
  iceServersResponseSchema,
  jwksSchema,
  loginBodySchema,
  meResponseSchema,
  roomListSchema,
  roomParamsSchema,
  roomSchema,
  signupBodySchema,
} from './http';

/** The service behind an endpoint; the gateway maps each to its configured URL. */
export type Upstream = 'auth' | 'rooms' | 'turn';

/**
 * One route of the public HTTP API (DESIGN §3). The gateway's routes and access rules, each
 * service's routes and the SPA's calls are all read from {@link Endpoints}, so none of them can
 * drift from the others.
 */
export interface Endpoint {
  method: 'GET' | 'POST';
  /** Fastify route syntax (`:id` for a parameter), the full public path. */
  path: string;
  upstream: Upstream;
  /** `public`: no token; `bearer`: the gateway and the service both verify an access token. */
  access: 'public' | 'bearer';
  /** A stricter limit at the gateway on top of the per-caller one. */
  limit?: 'login' | 'signup';
  summary: string;
  body?: z.ZodType;
  params?: z.ZodType;
  querystring?: z.ZodType;
  /** Success responses by status. */
  response: Record<number, z.ZodType>;
}

/** `GET /api/rooms` lists the caller's own meetings only, and says so: `mine=true` is required. */
export const listRoomsQuerySchema = z.strictObject({ mine: z.literal('true') });

/** `POST /api/rooms/:id/end` takes no fields: no body, or an empty object. */
export const endRoomBodySchema = z.strictObject({}).nullable();

/** A 204 carries nothing. */
export const noContentSchema = z.null().describe('No content');

export const Endpoints = {
  signup: {
    method: 'POST',
    path: '/api/auth/signup',
    upstream: 'auth',
    access: 'public',
    limit: 'signup',
    summary: 'Create an account and start a session (sets the refresh cookie)',
    body: signupBodySchema,
    response: { 201: authSessionSchema },
  },
  login: {
    method: 'POST',
    path: '/api/auth/login',
    upstream: 'auth',
    access: 'public',
    limit: 'login',
    summary: 'Start a session (sets the refresh cookie)',
    body: loginBodySchema,
    response: { 200: authSessionSchema },
  },
  refresh: {
    method: 'POST',
    path: '/api/auth/refresh',
    upstream: 'auth',
    access: 'public',
    summary: 'Exchange the refresh cookie for a new access token (rotates the cookie)',
    response: { 200: authSessionSchema },
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    upstream: 'auth',
    access: 'public',
    summary: 'End the session of the refresh cookie',
    response: { 204: noContentSchema },
  },
  me: {
    method: 'GET',
    path: '/api/auth/me',
    upstream: 'auth',
    access: 'bearer',
    summary: 'The caller',
    response: { 200: meResponseSchema },
  },
  jwks: {
    method: 'GET',
    path: '/api/auth/.well-known/jwks.json',
    upstream: 'auth',
    access: 'public',
    summary: 'Public keys that verify access tokens, by kid',
    response: { 200: jwksSchema },
  },
  createRoom: {
    method: 'POST',
    path: '/api/rooms',
    upstream: 'rooms',
    access: 'bearer',
    summary: 'Create a meeting hosted by the caller',
    body: createRoomBodySchema.nullable(),
    response: { 201: roomSchema },
  },
  listMyRooms: {
    method: 'GET',
    path: '/api/rooms',
    upstream: 'rooms',
    access: 'bearer',
    summary: "The caller's own recent meetings",
    querystring: listRoomsQuerySchema,
    response: { 200: roomListSchema },
  },
  getRoom: {
    method: 'GET',
    path: '/api/rooms/:id',
    upstream: 'rooms',
    access: 'bearer',
    summary: 'A meeting',
    params: roomParamsSchema,
    response: { 200: roomSchema },
  },
  endRoom: {
    method: 'POST',
    path: '/api/rooms/:id/end',
    upstream: 'rooms',
    access: 'bearer',
    summary: 'End a meeting for everyone (host only)',
    params: roomParamsSchema,
    body: endRoomBodySchema,
    response: { 200: roomSchema },
  },
  iceServers: {
    method: 'GET',
    path: '/api/ice-servers',
    upstream: 'turn',
    access: 'bearer',
    summary: 'STUN and TURN servers with short-lived credentials',
    response: { 200: iceServersResponseSchema },
  },
  /** The same answer under the `/api/ice/` prefix DESIGN §3 also routes. */
  iceServersUnderIce: {
    method: 'GET',
    path: '/api/ice/servers',
    upstream: 'turn',
    access: 'bearer',
    summary: 'STUN and TURN servers with short-lived credentials (alias)',
    response: { 200: iceServersResponseSchema },
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof Endpoints;

/** Every endpoint, in table order. */
export const endpointList: readonly Endpoint[] = Object.values(Endpoints);

/** The endpoints a service serves. */
export const endpointsOf = (upstream: Upstream): Endpoint[] =>
  endpointList.filter((e) => e.upstream === upstream);

/**
 * A path of the table with its parameters filled in, each URI-encoded: what a client calls.
 * `pathOf(Endpoints.getRoom, { id })` is `/api/rooms/<id>`.
 */
export function pathOf(endpoint: Endpoint, params: Record<string, string> = {}): string {
  return endpoint.path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathOf: missing ${name} for ${endpoint.path}`);
    return encodeURIComponent(value);
  });
}
