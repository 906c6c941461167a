import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Endpoints, Limits } from '@qual-meet/protocol';
import { callerOf, Errors, routeOf } from '@qual-meet/server-kit';
import type { RoomStore } from '../room-store';

/** How many meetings `GET /api/rooms?mine=true` returns at most. */
const MY_ROOMS_LIMIT = 20;

/**
 * Lets `POST` routes be called with an empty body even when the client labels it JSON (what
 * `fetch` does with a JSON content type and no body): such a body reads as `null`, Fastify's own
 * value for "no body", and the route applies its defaults. Any other body goes to Fastify's JSON
 * parser.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body: string, done) => {
      if (body === '') done(null, null);
      else parseJson(request, body, done);
    },
  );
}

export interface RoomRoutesOptions {
  rooms: RoomStore;
}

/** The rooms rows of DESIGN §3 (`Endpoints` of libs/protocol); every route needs a bearer token. */
export const roomRoutes: FastifyPluginAsyncZod<RoomRoutesOptions> = async (app, { rooms }) => {
  acceptEmptyJsonBodies(app);
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...routeOf(Endpoints.createRoom),
    handler: async (request, reply) => {
      const maxParticipants = request.body?.maxParticipants ?? Limits.defaultParticipants;
      const room = await rooms.create(callerOf(request).userId, maxParticipants, request.log);
      request.log.info({ roomId: room.id, maxParticipants }, 'room created');
      return reply.code(201).send(room);
    },
  });

  app.route({
    ...routeOf(Endpoints.listMyRooms),
    handler: async (request) => ({
      rooms: await rooms.listHostedBy(callerOf(request).userId, MY_ROOMS_LIMIT),
    }),
  });

  app.route({
    ...routeOf(Endpoints.getRoom),
    handler: async (request) => {
      const room = await rooms.get(request.params.id, request.log);
      if (!room) throw new Errors.RoomNotFound();
      return room;
    },
  });

  app.route({
    ...routeOf(Endpoints.endRoom),
    handler: async (request) => rooms.end(request.params.id, callerOf(request).userId, request.log),
  });
};
