import {
  apiErrorSchema,
  authSessionSchema,
  type AuthSession,
  type User,
  Endpoints,
  pathOf,
} from '@qual-meet/protocol';
import type { z } from 'zod';
import { Store } from './store';
import type { TimerHandle, Timers } from './timers';

/** Who is using the app, as far as this tab knows. */
export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User; accessToken: string; expiresAt: number };

/** The part of a fetch `Response` the client reads. */
export interface ResponseLike {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: RequestInit) => Promise<ResponseLike>;

/** Runs `task` while holding a lock named `name` that other tabs of this origin also honour. */
export type WithLock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

export interface ApiClientOptions {
  fetch: FetchLike;
  timers: Timers;
  /**
   * The refresh token rotates on every use and presenting a used one revokes the session, so
   * two tabs must never refresh at the same moment. Defaults to no cross-tab locking.
   */
  withLock?: WithLock;
  /** Refresh this long before the access token expires (capped at half its lifetime). */
  refreshLeadMs?: number;
  /** After a refresh that failed for a transient reason (network, 5xx), try again this soon. */
  refreshRetryMs?: number;
}

/** An error response of the API, parsed from `{statusCode, code, message, field}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** One of `ApiErrorCode`, or `HTTP_<status>` when the body was not the API's error shape. */
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The request never got an answer (offline, server unreachable). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Sent without the bearer token and never retried after a refresh (auth endpoints). */
  anonymous?: boolean;
}

const REFRESH_LOCK = 'qual-meet.auth-refresh';
const runUnlocked: WithLock = (_name, task) => task();

/**
 * The SPA's HTTP client: JSON in and out, the in-memory access token as bearer, and the session
 * kept alive through the httpOnly refresh cookie — before the token expires, after a reload
 * (`refresh()` at start) and once after a 401. The token never touches storage.
 */
export class ApiClient {
  /** Observable session; `restoring` until the first `refresh()` settles. */
  readonly session = new Store<SessionState>({ status: 'restoring' });

  private refreshing: Promise<boolean> | null = null;
  private refreshTimer: TimerHandle | null = null;
  private readonly withLock: WithLock;
  private readonly refreshLeadMs: number;
  private readonly refreshRetryMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.withLock = options.withLock ?? runUnlocked;
    this.refreshLeadMs = options.refreshLeadMs ?? 60_000;
    this.refreshRetryMs = options.refreshRetryMs ?? 10_000;
  }

  /** The current access token, or null when signed out. */
  accessToken(): string | null {
    const state = this.session.getSnapshot();
    return state.status === 'signed-in' ? state.accessToken : null;
  }

  /** Sends a request and validates the JSON answer with `schema`. */
  async json<T>(path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
    const response = await this.exchange(path, options);
    const text = await response.text();
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an unexpected answer.');
    }
    return parsed.data;
  }

  /** Sends a request whose answer has no body worth reading (204). */
  async send(path: string, options: CallOptions = {}): Promise<void> {
    await this.exchange(path, options);
  }

  /** Adopts a session returned by signup, login or refresh and schedules its renewal. */
  startSession(session: AuthSession): void {
    const lifetimeMs = session.expiresIn * 1000;
    this.session.set({
      status: 'signed-in',
      user: session.user,
      accessToken: session.accessToken,
      expiresAt: this.options.timers.now() + lifetimeMs,
    });
    this.scheduleRefresh(lifetimeMs - Math.min(this.refreshLeadMs, lifetimeMs / 2));
  }

  /** Forgets the session in this tab (the server side is ended by `POST /api/auth/logout`). */
  endSession(): void {
    this.cancelScheduledRefresh();
    this.session.set({ status: 'signed-out' });
  }

  /**
   * Exchanges the refresh cookie for a new access token. Concurrent callers share one request.
   * Resolves false when no session could be obtained; a rejected cookie also signs out.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.withLock(REFRESH_LOCK, () => this.refreshOnce()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    this.cancelScheduledRefresh();
    let response: ResponseLike;
    try {
      response = await this.call(pathOf(Endpoints.refresh), {
        method: Endpoints.refresh.method,
        anonymous: true,
      });
    } catch {
      return this.refreshFailed(false);
    }
    if (!response.ok) return this.refreshFailed(response.status < 500 && response.status !== 429);
    const session = authSessionSchema.safeParse(parseJson(await response.text()));
    if (!session.success) return this.refreshFailed(false);
    this.startSession(session.data);
    return true;
  }

  private refreshFailed(rejected: boolean): false {
    const state = this.session.getSnapshot();
    const stillValid = state.status === 'signed-in' && state.expiresAt > this.options.timers.now();
    if (rejected || !stillValid) this.endSession();
    else this.scheduleRefresh(this.refreshRetryMs);
    return false;
  }

  private scheduleRefresh(delayMs: number): void {
    this.cancelScheduledRefresh();
    this.refreshTimer = this.options.timers.setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delayMs);
  }

  private cancelScheduledRefresh(): void {
    if (this.refreshTimer === null) return;
    this.options.timers.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** One call, plus one refresh and retry when the token was refused. */
  private async exchange(path: string, options: CallOptions): Promise<ResponseLike> {
    const tokenUsed = this.accessToken();
    let response = await this.call(path, options);
    if (response.status === 401 && !options.anonymous) {
      // Another request may have refreshed meanwhile: then the retry alone is enough.
      const renewed = this.accessToken() !== tokenUsed || (await this.refresh());
      if (renewed) {
        response = await this.call(path, options);
        if (response.status === 401) this.endSession();
      }
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  private async call(path: string, options: CallOptions): Promise<ResponseLike> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.anonymous ? null : this.accessToken();
    if (token) headers['authorization'] = `Bearer ${token}`;
    const init: RequestInit = {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
    };
    // Fastify refuses an empty body declared as JSON, so the header goes only with a body.
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    try {
      return await this.options.fetch(path, init);
    } catch (cause) {
      throw new NetworkError('The server could not be reached.', { cause });
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function toApiError(response: ResponseLike): Promise<ApiError> {
  const body = apiErrorSchema.safeParse(parseJson(await response.text().catch(() => '')));
  if (body.success) {
    return new ApiError(response.status, body.data.code, body.data.message, body.data.field);
  }
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    `The server answered ${response.status}.`,
  );
}
