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
    // A track added later (the peer turned on a camera it did not have at join) or removed:
    // attaching again makes the element pick the stream's tracks anew.
    stream?.addEventListener('addtrack', attach);
    stream?.addEventListener('removetrack', attach);
    return () => {
      stream?.removeEventListener('addtrack', attach);
      stream?.removeEventListener('removetrack', attach);
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
