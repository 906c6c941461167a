import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Sql } from './client';

declare module 'fastify' {
  interface FastifyInstance {
    sql: Sql;
  }
}

export interface PostgresPluginOptions {
  sql: Sql;
}

/** Decorates the instance with the Postgres pool and ends the pool when the app closes. */
export const postgresPlugin = fp<PostgresPluginOptions>(
  async (app: FastifyInstance, { sql }) => {
    app.decorate('sql', sql);
    app.addHook('onClose', async () => {
      await sql.end({ timeout: 5 });
    });
  },
  { name: 'postgres' },
);
