import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Endpoints } from '@qual-meet/protocol';
import { callerOf, Errors, routeOf } from '@qual-meet/server-kit';
import type { IssuanceLimiter, IssuanceVerdict } from '../issuance-limiter';
import { iceServersResponse, issueTurnCredential, type TurnSettings } from '../turn-credentials';

/** The contract's path, and the same answer under the `/api/ice/` prefix DESIGN §3 also routes. */
const ICE_SERVERS_ENDPOINTS = [Endpoints.iceServers, Endpoints.iceServersUnderIce] as const;

export interface IceRoutesOptions {
  turn: TurnSettings;
  limiter: IssuanceLimiter;
}

/** The ICE row of DESIGN §3: short-lived TURN credentials for the caller, rate-limited per user. */
export const iceRoutes: FastifyPluginAsyncZod<IceRoutesOptions> = async (app, options) => {
  const { turn, limiter } = options;
  app.addHook('onRequest', app.authenticate);

  for (const endpoint of ICE_SERVERS_ENDPOINTS) {
    app.route({
      ...routeOf(endpoint),
      handler: async (request, reply) => {
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
    });
  }
};
