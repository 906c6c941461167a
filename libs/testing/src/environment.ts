import { z } from 'zod';

/** What the global setup started, handed to test workers through one environment variable. */
export const testServersSchema = z.object({
  runtime: z.enum(['local', 'containers']),
  postgresUrl: z.string(),
  templateDatabase: z.string(),
  /** The admin (`default`) user's URL; services connect as their own ACL users. */
  redisUrl: z.string(),
  redisDatabases: z.number().int(),
  redisCredentials: z.object({
    admin: z.string(),
    services: z.object({
      'api-gateway': z.string(),
      'room-service': z.string(),
      'turn-credential-service': z.string(),
      'signaling-service': z.string(),
    }),
  }),
  coturn: z.object({ host: z.string(), port: z.number(), realm: z.string(), secret: z.string() }),
});
export type TestServers = z.infer<typeof testServersSchema>;

export const TEST_SERVERS_VARIABLE = 'QM_TEST_SERVERS';

/** The servers of this test run; only inside suites run by `jest.integration.config.js`. */
export function testServers(): TestServers {
  const raw = process.env[TEST_SERVERS_VARIABLE];
  if (!raw) {
    throw new Error(
      `${TEST_SERVERS_VARIABLE} is not set: run integration suites with jest -c jest.integration.config.js`,
    );
  }
  return testServersSchema.parse(JSON.parse(raw));
}
