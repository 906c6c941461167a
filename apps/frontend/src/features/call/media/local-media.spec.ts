import { flushPromises } from '../../../test-support/fake-clock';
import {
  classifyMediaError,
  LocalMedia,
  outgoingMediaState,
  type MediaDevicesLike,
} from './local-media';
import { describeMediaProblems } from './media-messages';

class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(readonly kind: 'audio' | 'video') {}
  stop() {
    this.stopped = true;
  }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks() {
    return this.tracks;
  }
  addTrack(track: FakeTrack) {
    this.tracks.push(track);
  }
}

const domError = (name: string) => Object.assign(new Error(name), { name });

/** Devices where each kind either works or fails with the given DOMException name. */
function devices(outcome: { audio: string | null; video: string | null }) {
  const opened: FakeStream[] = [];
  const requests: MediaStreamConstraints[] = [];
  const fake: MediaDevicesLike = {
    getUserMedia: async (constraints) => {
      requests.push(constraints);
      const kinds = (['audio', 'video'] as const).filter((kind) => constraints[kind]);
      const failure = kinds.map((kind) => outcome[kind]).find((name) => name !== null);
      if (failure) throw domError(failure);
      const stream = new FakeStream(kinds.map((kind) => new FakeTrack(kind)));
      opened.push(stream);
      return stream as unknown as MediaStream;
    },
    enumerateDevices: async () =>
      [
        { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera' },
        { kind: 'audioinput', deviceId: 'mic-1', label: '' },
        { kind: 'audiooutput', deviceId: 'spk-1', label: 'Speakers' },
      ] as MediaDeviceInfo[],
  };
  return { fake, opened, requests };
}

const kindsOf = (stream: MediaStream | null) => stream?.getTracks().map((t) => t.kind) ?? [];

describe('LocalMedia', () => {
  it('opens camera and microphone together when both work', async () => {
    const { fake } = devices({ audio: null, video: null });
    const media = new LocalMedia(fake);
    await media.acquire();
    const s = media.getSnapshot();
    expect(s).toMatchObject({ camera: 'ok', microphone: 'ok', acquiring: false });
    expect(kindsOf(s.stream)).toEqual(['audio', 'video']);
    expect(s.cameras).toEqual([{ deviceId: 'cam-1', label: 'Front camera' }]);
    expect(s.microphones).toEqual([{ deviceId: 'mic-1', label: 'Microphone 1' }]);
    expect(s.speakers).toEqual([{ deviceId: 'spk-1', label: 'Speakers' }]);
  });

  it('falls back to the microphone alone when the camera is blocked', async () => {
    const { fake } = devices({ audio: null, video: 'NotAllowedError' });
    const media = new LocalMedia(fake);
    await media.acquire();
    const s = media.getSnapshot();
    expect(s).toMatchObject({ camera: 'blocked', microphone: 'ok' });
    expect(kindsOf(s.stream)).toEqual(['audio']);
  });

  it('falls back to the camera alone when there is no microphone', async () => {
    const { fake } = devices({ audio: 'NotFoundError', video: null });
    const media = new LocalMedia(fake);
    await media.acquire();
    expect(media.getSnapshot()).toMatchObject({ camera: 'ok', microphone: 'absent' });
    expect(kindsOf(media.getSnapshot().stream)).toEqual(['video']);
  });

  it('joins receive-only when neither device can be opened', async () => {
    const { fake } = devices({ audio: 'NotAllowedError', video: 'NotReadableError' });
    const media = new LocalMedia(fake);
    await media.acquire();
    expect(media.getSnapshot()).toMatchObject({
      stream: null,
      camera: 'busy',
      microphone: 'blocked',
    });
  });

  it('reports unsupported when the page has no media devices', async () => {
    const media = new LocalMedia(undefined);
    await media.acquire();
    expect(media.getSnapshot()).toMatchObject({ camera: 'unsupported', microphone: 'unsupported' });
  });

  it('mutes and turns the camera off by disabling tracks, and keeps that across devices', async () => {
    const { fake, requests } = devices({ audio: null, video: null });
    const media = new LocalMedia(fake);
    await media.acquire();
    media.setMuted(true);
    media.setCameraOff(true);
    const enabled = () =>
      media
        .getSnapshot()
        .stream?.getTracks()
        .map((t) => t.enabled);
    expect(enabled()).toEqual([false, false]);
    const first = media.getSnapshot().stream;
    await media.selectCamera('cam-1');
    expect(first?.getTracks().every((t) => (t as unknown as FakeTrack).stopped)).toBe(true);
    expect(requests.at(-1)?.video).toMatchObject({ deviceId: { exact: 'cam-1' } });
    expect(enabled()).toEqual([false, false]);
    media.setMuted(false);
    expect(enabled()).toEqual([true, false]);
  });

  it('releases devices that arrive after stop()', async () => {
    const { fake, opened } = devices({ audio: null, video: null });
    const media = new LocalMedia(fake);
    const pending = media.acquire();
    media.stop();
    await pending;
    await flushPromises();
    expect(media.getSnapshot().stream).toBeNull();
    expect(opened[0]?.tracks.every((t) => t.stopped)).toBe(true);
  });
});

describe('outgoingMediaState', () => {
  it('tells peers a device that is off, or not working, sends nothing', async () => {
    const media = new LocalMedia(devices({ audio: null, video: 'NotAllowedError' }).fake);
    await media.acquire();
    expect(outgoingMediaState(media.getSnapshot())).toEqual({ muted: false, cameraOff: true });
    media.setMuted(true);
    expect(outgoingMediaState(media.getSnapshot())).toEqual({ muted: true, cameraOff: true });
  });
});

describe('classifyMediaError', () => {
  it.each([
    ['NotAllowedError', 'blocked'],
    ['SecurityError', 'blocked'],
    ['NotFoundError', 'absent'],
    ['OverconstrainedError', 'absent'],
    ['NotReadableError', 'busy'],
    ['AbortError', 'busy'],
  ])('%s → %s', (name, status) => {
    expect(classifyMediaError(domError(name))).toBe(status);
  });
});

describe('describeMediaProblems', () => {
  it('says nothing when both devices work', () => {
    expect(describeMediaProblems('ok', 'ok')).toEqual([]);
  });

  it('explains a blocked camera and that joining still works', () => {
    const [problem, ...rest] = describeMediaProblems('blocked', 'ok');
    expect(rest).toEqual([]);
    expect(problem?.text).toMatch(/^Camera blocked/);
    expect(problem?.text).toMatch(/You can join without video/);
  });

  it('adds the receive-only summary when neither device is available', () => {
    const problems = describeMediaProblems('absent', 'blocked');
    expect(problems.map((p) => p.device)).toEqual(['camera', 'microphone', 'both']);
    expect(problems[2]?.text).toMatch(/receive-only/);
  });
});
