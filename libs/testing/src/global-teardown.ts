/** Jest global teardown: stops the servers of the run and removes their folders. */
export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.qualMeetTestServers ?? [];
  globalThis.qualMeetTestServers = undefined;
  await Promise.all(servers.map((server) => server.stop()));
}
