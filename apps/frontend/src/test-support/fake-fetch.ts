import type { FetchLike, ResponseLike } from '../lib/api-client';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Reply = { status: number; body?: unknown } | Error;
type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

/** A JSON reply, or the API's error shape for a status and code. */
export const reply = {
  json: (status: number, body: unknown): Reply => ({ status, body }),
  error: (status: number, code: string, message = code, field?: string): Reply => ({
    status,
    body: { statusCode: status, code, error: 'Error', message, ...(field ? { field } : {}) },
  }),
  empty: (status = 204): Reply => ({ status }),
};

/**
 * A fetch that answers from per-route handlers (`"POST /api/auth/login"`) and records every
 * request. Unknown routes answer 404, so a test notices a call it did not expect.
 */
export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler[]>();

  /** Answers `route` with `handler`; several `on` for one route answer in turn, the last repeats. */
  on(route: string, handler: Handler | Reply): this {
    const list = this.routes.get(route) ?? [];
    list.push(typeof handler === 'function' ? handler : () => handler);
    this.routes.set(route, list);
    return this;
  }

  calls(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.url}` === route);
  }

  readonly fetch: FetchLike = async (url, init) => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    };
    this.requests.push(request);
    const list = this.routes.get(`${request.method} ${url}`);
    const handler = list && (list.length > 1 ? list.shift() : list[0]);
    const answer = handler ? await handler(request) : reply.error(404, 'NOT_FOUND');
    if (answer instanceof Error) throw answer;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const response: ResponseLike = {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      text: async () => text,
    };
    return response;
  };
}

export const USER = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'alice@example.com',
  createdAt: '2025-01-01T10:00:00.000Z',
};

export const authSession = (accessToken = 'access-1', expiresIn = 900) => ({
  user: USER,
  accessToken,
  expiresIn,
});
