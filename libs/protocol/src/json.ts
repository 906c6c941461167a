import type { z } from 'zod';

/** `raw` as JSON checked by `schema`; `undefined` when it is not JSON or not of that shape. */
export function parseJsonAs<T extends z.ZodType>(schema: T, raw: string): z.output<T> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
