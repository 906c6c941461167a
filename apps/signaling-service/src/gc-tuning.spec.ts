import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { workspaceRoot } from '@qual-meet/local-servers';

const run = promisify(execFile);

/** Old-generation intake of the probe's short-lived objects, in a fresh process. */
async function oldGrowthMB(mode: 'tuned' | 'default'): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'apps/signaling-service/src/test-support/pretenuring-probe.ts', mode],
    { cwd: workspaceRoot(), env: { ...process.env, TSX_TSCONFIG_PATH: 'tools/tsconfig.json' } },
  );
  return (JSON.parse(stdout) as { oldGrowthMB: number }).oldGrowthMB;
}

describe('gc-tuning', () => {
  it('keeps short-lived objects out of the old generation after a burst of survivors', async () => {
    // Without it V8 pretenures the literal after the burst: tens of MB of short-lived objects
    // land in the old generation (this shows the probe measures what it should).
    expect(await oldGrowthMB('default')).toBeGreaterThan(100);
    // With it they die young; what remains is the burst's own survivors being promoted.
    expect(await oldGrowthMB('tuned')).toBeLessThan(40);
  }, 60_000);
});
