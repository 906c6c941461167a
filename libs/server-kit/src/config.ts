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
 * Docker secrets convention), unless `NAME` itself is set. Other `*_FILE` variables of the
 * environment are none of our business and are left alone.
 */
function resolveFileVariables(env: Env, wanted: Set<string>): Env {
  const resolved: Env = { ...env };
  for (const [name, path] of Object.entries(env)) {
    if (!name.endsWith('_FILE') || !path) continue;
    const target = name.slice(0, -'_FILE'.length);
    if (!wanted.has(target) || resolved[target]) continue;
    try {
      resolved[target] = readFileSync(path, 'utf8');
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
