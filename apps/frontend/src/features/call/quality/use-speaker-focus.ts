import { useState } from 'react';
import { SELF_SPEAKER } from './call-quality';

/**
 * Whom speaker view shows large: the last person other than us who spoke and is still here
 * (seeing ourselves large while we talk helps nobody), else the first other person, else us.
 */
export function useSpeakerFocus(speakerId: string | null, userIds: readonly string[]): string {
  const [last, setLast] = useState<string | null>(null);
  if (speakerId !== null && speakerId !== SELF_SPEAKER && speakerId !== last) setLast(speakerId);
  const current = speakerId !== null && speakerId !== SELF_SPEAKER ? speakerId : last;
  if (current !== null && userIds.includes(current)) return current;
  return userIds[0] ?? SELF_SPEAKER;
}
