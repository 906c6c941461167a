import type { IceServersResponse } from '@qual-meet/protocol';
import type { TimerHandle, Timers } from '../../../lib/timers';

export interface IceServerSourceOptions {
  fetchIceServers(): Promise<IceServersResponse>;
  timers: Timers;
  /** Called after every successful refetch, with the new servers. */
  onUpdate(servers: RTCIceServer[]): void;
  /** Refetch when this fraction of the credentials' ttl has passed. */
  refreshAt?: number;
  /** After a failed fetch, try again this soon. */
  retryMs?: number;
}

/**
 * STUN/TURN servers with short-lived TURN credentials, refetched before their ttl runs out so
 * a connection created (or ICE-restarted) late in a meeting can still relay.
 */
export class IceServerSource {
  /** The latest servers; empty until the first fetch succeeds (direct connections still work). */
  servers: RTCIceServer[] = [];
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly options: IceServerSourceOptions) {}

  /** Fetches the servers; resolves once they are known or the fetch failed (a retry is set). */
  async start(): Promise<void> {
    await this.load();
  }

  /** Cancels the pending refetch. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async load(): Promise<void> {
    let nextInMs: number;
    try {
      const response = await this.options.fetchIceServers();
      if (this.stopped) return;
      this.servers = response.iceServers.map(({ urls, username, credential }) => ({
        urls,
        ...(username === undefined ? {} : { username }),
        ...(credential === undefined ? {} : { credential }),
      }));
      nextInMs = response.ttl * 1000 * (this.options.refreshAt ?? 0.8);
      this.options.onUpdate(this.servers);
    } catch {
      if (this.stopped) return;
      nextInMs = this.options.retryMs ?? 15_000;
    }
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      void this.load();
    }, nextInMs);
  }
}
