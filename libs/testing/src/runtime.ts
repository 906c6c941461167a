/** Where the harness gets its servers from. */
export type ServerRuntime = 'containers' | 'local';

export interface RuntimeChoiceInput {
  env: Record<string, string | undefined>;
  /** Resolves true when a Docker engine answers. */
  dockerAvailable: () => Promise<boolean>;
}

/**
 * Testcontainers when a Docker engine is reachable, else local processes from the machine's
 * packages. `QM_TEST_RUNTIME=local|containers` forces one (and skips probing Docker).
 */
export async function chooseRuntime({
  env,
  dockerAvailable,
}: RuntimeChoiceInput): Promise<ServerRuntime> {
  const forced = env.QM_TEST_RUNTIME;
  if (forced === 'local' || forced === 'containers') return forced;
  if (forced) throw new Error(`QM_TEST_RUNTIME must be "local" or "containers", not "${forced}"`);
  return (await dockerAvailable()) ? 'containers' : 'local';
}

/** Asks Testcontainers whether it can find a working container runtime. */
export async function isDockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
