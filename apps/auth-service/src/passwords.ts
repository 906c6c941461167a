import argon2 from 'argon2';

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). node-argon2 hashes on
 * libuv's thread pool, so the event loop keeps serving while a hash runs.
 */
export const ARGON2_PARAMS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Checks `password` against `hash`; with no hash (unknown account) still spends a full hash. */
  verify(hash: string | undefined, password: string): Promise<boolean>;
  /** True when `hash` was made with weaker parameters than today's and should be replaced. */
  needsRehash(hash: string): boolean;
}

/** argon2 options this service uses: the algorithm and its cost. */
export interface Argon2Params {
  type: typeof argon2.argon2id;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export async function createPasswordHasher(
  params: Argon2Params = ARGON2_PARAMS,
): Promise<PasswordHasher> {
  // Verifying against this for unknown emails makes their login cost what a real one costs,
  // so response time does not reveal which emails have accounts.
  const decoy = await argon2.hash('decoy password, never matches', params);
  return {
    hash: (password) => argon2.hash(password, params),
    async verify(hash, password) {
      const matches = await argon2.verify(hash ?? decoy, password).catch(() => false);
      return hash !== undefined && matches;
    },
    needsRehash: (hash) => argon2.needsRehash(hash, params),
  };
}
