/** Stops the platform the browser tests ran against. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.qualMeetPlatform?.stop();
  globalThis.qualMeetPlatform = undefined;
}
