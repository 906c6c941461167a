import type { Page } from 'playwright-core';
import { wireDirectMesh, type SetupTimes } from '@qual-meet/browser-testing';

/**
 * The floor of a meeting's set-up time on this machine (`wireDirectMesh`): the same pages joining
 * one after another with their peer connections wired straight to each other, then closed.
 */
export async function floorRound(pages: readonly Page[]): Promise<SetupTimes[]> {
  const mesh = await wireDirectMesh(pages);
  await mesh.close();
  return mesh.times;
}
