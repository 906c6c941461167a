import { z } from 'zod';

/** Users and rooms are identified by UUIDs that the server assigns. */
export const userIdSchema = z.uuid();
export const roomIdSchema = z.uuid();

export type UserId = z.infer<typeof userIdSchema>;
export type RoomId = z.infer<typeof roomIdSchema>;

/** The name shown on a participant's tile: the part of the email before `@`. */
export function displayNameOf(email: string): string {
  const at = email.indexOf('@');
  return at === -1 ? email : email.slice(0, at);
}

/** The part of the email after its last `@` (lower-cased), or '' when there is none. */
export function emailDomainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at === -1 ? '' : email.slice(at + 1).toLowerCase();
}
