import { createHmac } from 'node:crypto';
import type { IceServersResponse } from '@qual-meet/protocol';

/** Where and for how long credentials are valid: the `turn` part of the config. */
export interface TurnSettings {
  /** coturn's `static-auth-secret`. */
  secret: string;
  turnUrls: readonly string[];
  stunUrls: readonly string[];
  ttlSeconds: number;
}

/** A short-lived TURN credential of coturn's REST API (`use-auth-secret`). */
export interface TurnCredential {
  /** `<expiryUnix>:<userId>`: coturn refuses it once the expiry has passed. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), which coturn recomputes from its own copy of the secret. */
  credential: string;
  /** Expiry, in Unix seconds. */
  expiresAt: number;
}

/** The password coturn expects for a REST API username. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** A credential for `userId`, valid for `ttlSeconds` from `nowMs`. */
export function issueTurnCredential(
  settings: Pick<TurnSettings, 'secret' | 'ttlSeconds'>,
  userId: string,
  nowMs: number,
): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + settings.ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  return { username, credential: turnPassword(settings.secret, username), expiresAt };
}

/** The `RTCConfiguration.iceServers` a browser needs: STUN, then TURN with the credential. */
export function iceServersResponse(
  settings: Pick<TurnSettings, 'turnUrls' | 'stunUrls' | 'ttlSeconds'>,
  credential: TurnCredential,
): IceServersResponse {
  return {
    iceServers: [
      { urls: [...settings.stunUrls] },
      {
        urls: [...settings.turnUrls],
        username: credential.username,
        credential: credential.credential,
      },
    ],
    ttl: settings.ttlSeconds,
  };
}
