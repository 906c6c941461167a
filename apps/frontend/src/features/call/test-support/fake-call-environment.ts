import type { CallEnvironment } from '../call-environment';
import type { MediaDevicesLike } from '../media/local-media';
import { MeshSession } from '../mesh/mesh-session';
import { fakeMeshDeps, fakeStream } from '../mesh/test-support/mesh-fakes';

/** Which local devices work; a string is the DOMException name getUserMedia fails with. */
export interface FakeDevices {
  audio: string | null;
  video: string | null;
}

/** Camera and microphone stand-ins honouring `outcome`. */
function fakeMediaDevices(outcome: FakeDevices): MediaDevicesLike {
  return {
    getUserMedia: async (constraints) => {
      const kinds = (['audio', 'video'] as const).filter((kind) => constraints[kind]);
      const failure = kinds.map((kind) => outcome[kind]).find((name) => name !== null);
      if (failure) throw Object.assign(new Error(failure), { name: failure });
      return fakeStream(...kinds);
    },
    enumerateDevices: async () =>
      [
        { kind: 'videoinput', deviceId: 'cam-1', label: 'Built-in camera' },
        { kind: 'videoinput', deviceId: 'cam-2', label: 'USB camera' },
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Built-in microphone' },
        { kind: 'audiooutput', deviceId: 'spk-1', label: 'Speakers' },
      ] as MediaDeviceInfo[],
  };
}

/**
 * A call environment on fakes: real `MeshSession`s over the fake socket and peer connections,
 * so a component test plays the signaling server.
 */
export function fakeCallEnvironment(devices: FakeDevices = { audio: null, video: null }) {
  const mesh = fakeMeshDeps();
  const sessions: MeshSession[] = [];
  const environment: CallEnvironment = {
    mediaDevices: fakeMediaDevices(devices),
    canSelectSpeaker: true,
    displayMedia: {
      getDisplayMedia: async (options) =>
        options.audio ? fakeStream('video', 'audio') : fakeStream('video'),
    },
    createSession: ({ roomId, localStream, selfDomain }) => {
      const session = new MeshSession({
        roomId,
        localStream,
        selfDomain,
        signalingUrl: 'ws://meet.test/ws',
        deps: mesh.deps,
      });
      sessions.push(session);
      return session;
    },
  };
  return { environment, sessions, ...mesh };
}
