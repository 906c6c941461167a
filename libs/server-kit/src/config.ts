import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A configuration problem, reported as one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** The variable names a config schema reads (its object shape, under any transforms). */
function variableNames(schema: z.ZodType): Set<string> {
  let inner: unknown = schema;
  while (inner instanceof z.ZodPipe) inner = inner.in;
  return new Set(inner instanceof z.ZodObject ? Object.keys(inner.shape) : []);
}

/**
 * For a variable `NAME` the schema reads, `NAME_FILE` supplies it from that file's contents (the
 * Docker secrets convention). Both at once is refused: which one wins would be a guess, and a
 * stale inline secret silently overriding the mounted one is how rotations fail. Other `*_FILE`
 * variables of the environment are none of our business and are left alone.
 */
function resolveFileVariables(env: Env, wanted: Set<string>): Env {
  const resolved: Env = { ...env };
  for (const [name, path] of Object.entries(env)) {
    if (!name.endsWith('_FILE') || !path) continue;
    const target = name.slice(0, -'_FILE'.length);
    if (!wanted.has(target)) continue;
    if (env[target] !== undefined && env[target] !== '') {
      throw new ConfigError(`config: ${target} and ${name} are both set; set one of them`);
    }
    try {
      // `echo secret > file` ends the file with a newline that is no part of the secret.
      resolved[target] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(
        `config: ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  return resolved;
}

/**
 * Parses the environment with a service's schema. The first bad or missing variable becomes a
 * {@link ConfigError} whose message names it, so `main.ts` can print one line and exit.
 * Values are never echoed: they may be secrets.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const resolved = resolveFileVariables(env, variableNames(schema));
  const result = schema.safeParse(resolved);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.map(String).join('.') || '(environment)';
  const value = issue?.path.length ? resolved[String(issue.path[0])] : undefined;
  const problem =
    value === undefined || value === '' ? 'is missing' : `is invalid: ${issue?.message}`;
  throw new ConfigError(`config: ${name} ${problem}`);
}

/** A TCP port. */
export const portVar = z.coerce.number().int().min(0).max(65_535);

/** A positive integer, with a default when unset. */
export const intVar = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A boolean written `true`/`false`/`1`/`0`, with a default when unset. */
export const boolVar = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const logLevelVar = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** A comma-separated list. */
export const listVar = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** A PEM-encoded key (inline with `\n` escapes allowed, or via `NAME_FILE`). */
export const pemVar = (kind: 'PUBLIC KEY' | 'PRIVATE KEY') =>
  z
    .string()
    .transform((v) => v.replace(/\\n/g, '\n').trim())
    .refine((v) => v.includes(`-----BEGIN `) && v.includes(kind), `expected a PEM ${kind}`);

/** A URL such as `postgres://…` or `redis://…`. */
export const urlVar = z.url();

/** `HOST`, `PORT` and `LOG_LEVEL`: what every service reads to listen and log. */
export const listenerVars = (defaultPort: number) => ({
  HOST: z.string().default('127.0.0.1'),
  PORT: portVar.default(defaultPort),
  LOG_LEVEL: logLevelVar,
});

/** Issuer and audience of access tokens, shared by the signer and every verifier. */
export const tokenClaimVars = {
  JWT_ISSUER: z.string().min(1).default('qual-meet'),
  JWT_AUDIENCE: z.string().min(1).default('qual-meet'),
};

/** What a service needs to verify access tokens: auth-service's public key, issuer, audience. */
export const tokenVerifierVars = {
  /** RS256 public key of auth-service (PEM, or a file via `JWT_PUBLIC_KEY_FILE`). */
  JWT_PUBLIC_KEY: pemVar('PUBLIC KEY'),
  ...tokenClaimVars,
};

export interface TokenVerifierConfig {
  publicKeyPem: string;
  issuer: string;
  audience: string;
}

/** The parsed form of {@link tokenVerifierVars}. */
export function tokenVerifierConfig(env: {
  JWT_PUBLIC_KEY: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}): TokenVerifierConfig {
  return { publicKeyPem: env.JWT_PUBLIC_KEY, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
}
