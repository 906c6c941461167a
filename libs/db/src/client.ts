import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export interface SqlOptions {
  /** Pool size. */
  max?: number;
  /** Seconds to wait for a connection before failing (a down database must fail fast). */
  connectTimeoutSeconds?: number;
}

/**
 * A postgres.js pool. Sessions run in UTC and `timestamp` columns (which the schema keeps
 * without a zone, per the contract) are read as UTC, so times never shift with the host's zone.
 */
export function createSql(url: string, options: SqlOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 3,
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    onnotice: () => undefined,
    connection: { TimeZone: 'UTC', application_name: 'qual-meet' },
    types: {
      utcTimestamp: {
        to: 1114,
        from: [1114],
        serialize: (value: Date) => value.toISOString(),
        parse: (value: string) => new Date(`${value.replace(' ', 'T')}Z`),
      },
    },
  });
}
