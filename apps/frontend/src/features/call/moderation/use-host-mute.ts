import { useEffect, useState } from 'react';
import type { LocalMedia } from '../media/local-media';
import type { MuteRequest } from '../mesh/room-features';

/**
 * Mutes our microphone when the host asks (`mute_request`), and says whether to tell the person
 * so: until they unmute, which only they can do.
 */
export function useHostMute(
  request: MuteRequest | null,
  media: LocalMedia,
  muted: boolean,
): boolean {
  useEffect(() => {
    if (request) media.setMuted(true);
  }, [request, media]);
  // Unmuting answers the request that was shown; the next request is shown again.
  const [answered, setAnswered] = useState<MuteRequest | null>(null);
  const [wasMuted, setWasMuted] = useState(muted);
  if (wasMuted !== muted) {
    setWasMuted(muted);
    if (!muted) setAnswered(request);
  }
  return request !== null && request !== answered && muted;
}
