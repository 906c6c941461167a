import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { iceServersResponseSchema } from '@qual-meet/protocol';
import { callerOf, Errors } from '@qual-meet/server-kit';
import type { IssuanceLimiter, IssuanceVerdict } from '../issuance-limiter';
import { iceServersResponse, issueTurnCredential, type TurnSettings } from '../turn-credentials';

/**
 * Where the ICE servers are served: the contract's path, and the same handler under `/api/ice/`
 * because the gateway routes that whole prefix here too.
 */
export const ICE_SERVERS_PATHS = ['/api/ice-servers', '/api/ice/servers'] as const;

export interface IceRoutesOptions {
  turn: TurnSettings;
  limiter: IssuanceLimiter;
}

/** The ICE row of DESIGN §3: short-lived TURN credentials for the caller, rate-limited per user. */
export const iceRoutes: FastifyPluginAsyncZod<IceRoutesOptions> = async (app, options) => {
  const { turn, limiter } = options;
  app.addHook('onRequest', app.authenticate);

  for (const url of ICE_SERVERS_PATHS) {
    app.get(
      url,
      { schema: { response: { 200: iceServersResponseSchema } } },
      async (request, reply) => {
        const { userId } = callerOf(request);
        let verdict: IssuanceVerdict;
        try {
          verdict = await limiter.take(userId);
        } catch (error) {
          // Fail closed: without the counter, nothing stops one account from minting credentials
          // for a relay that carries everyone's media.
          request.log.error({ err: error, userId }, 'issuance counter unavailable: refusing');
          throw new Errors.ServiceUnavailable();
        }
        const issuance = { userId, issuedInWindow: verdict.count, limit: limiter.limit };
        if (!verdict.allowed) {
          request.log.warn(issuance, 'turn credential issuance rate-limited');
          reply.header('retry-after', String(verdict.retryAfterSeconds));
          throw new Errors.RateLimited();
        }
        const credential = issueTurnCredential(turn, userId, Date.now());
        request.log.info(
          { ...issuance, expiresAt: credential.expiresAt },
          'turn credentials issued',
        );
        // A credential is personal: no shared cache may keep it.
        reply.header('cache-control', 'no-store');
        return iceServersResponse(turn, credential);
      },
    );
  }
};
