import { useEffect, useRef } from 'react';
import type { AutoplayGuard } from '../media/autoplay-guard';

/** Our own camera (mirrored, like a mirror) or screen: always muted (no echo). */
export function LocalVideo({
  stream,
  label,
  mirrored = true,
}: {
  stream: MediaStream | null;
  label: string;
  mirrored?: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.muted = true;
    element.srcObject = stream;
  }, [stream]);
  return (
    <video
      ref={ref}
      className={mirrored ? 'video video--mirrored' : 'video'}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}

interface RemoteVideoProps {
  stream: MediaStream | null;
  label: string;
  guard: AutoplayGuard;
  /** Audio output device, where the browser lets us choose. */
  speakerId: string | null;
}

/** A participant's camera and microphone, played with sound if the browser allows it. */
export function RemoteVideo({ stream, label, guard, speakerId }: RemoteVideoProps) {
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const attach = () => {
      element.srcObject = stream;
      if (stream) void guard.play(element);
    };
    attach();
    // A camera the peer turned on after joining without one arrives as a track added to a stream
    // that had only sound: attaching again makes the element show it. Only then, since
    // attaching restarts playback.
    const trackAdded = (event: MediaStreamTrackEvent) => {
      if (event.track.kind === 'video' && element.videoWidth === 0) attach();
    };
    stream?.addEventListener('addtrack', trackAdded);
    return () => {
      stream?.removeEventListener('addtrack', trackAdded);
      guard.forget(element);
    };
  }, [stream, guard]);

  useEffect(() => {
    const element = ref.current;
    if (!element || !speakerId || !('setSinkId' in element)) return;
    // An unplugged speaker keeps the default output; nothing the person must act on here.
    element.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);

  return <video ref={ref} className="video" aria-label={label} autoPlay playsInline />;
}
