import { fakeStream, type FakeTrack } from '../mesh/test-support/mesh-fakes';
import { ScreenShare, type DisplayMediaLike } from './screen-share';

function display(answer: (options: DisplayMediaStreamOptions) => Promise<MediaStream>) {
  const calls: DisplayMediaStreamOptions[] = [];
  const like: DisplayMediaLike = {
    getDisplayMedia: (options) => {
      calls.push(options);
      return answer(options);
    },
  };
  return { like, calls };
}

const failure = (name: string) => Object.assign(new Error(name), { name });

describe('ScreenShare', () => {
  it('asks for the screen with its sound, and stops every track on Stop', async () => {
    const stream = fakeStream('video', 'audio');
    const { like, calls } = display(async () => stream);
    const share = new ScreenShare(like);
    await share.start();
    expect(calls).toEqual([{ video: true, audio: true }]);
    expect(share.getSnapshot()).toEqual({ status: 'sharing', stream });
    share.stop();
    expect(share.getSnapshot()).toEqual({ status: 'off', notice: null });
    expect(stream.getTracks().map((t) => t.readyState)).toEqual(['ended', 'ended']);
  });

  it('asks again without sound where the browser refuses the audio option', async () => {
    const { like, calls } = display(async (options) => {
      if (options.audio) throw failure('TypeError');
      return fakeStream('video');
    });
    const share = new ScreenShare(like);
    await share.start();
    expect(calls).toEqual([{ video: true, audio: true }, { video: true }]);
    expect(share.getSnapshot().status).toBe('sharing');
  });

  it('ends when the browser’s own stop ends the video track', async () => {
    const stream = fakeStream('video');
    const share = new ScreenShare(display(async () => stream).like);
    await share.start();
    (stream.getVideoTracks()[0] as unknown as FakeTrack).end();
    expect(share.getSnapshot()).toEqual({ status: 'off', notice: null });
  });

  it('says when the picker was cancelled or refused, or capture failed', async () => {
    const cancelled = new ScreenShare(
      display(async () => Promise.reject(failure('NotAllowedError'))).like,
    );
    await cancelled.start();
    expect(cancelled.getSnapshot()).toEqual({ status: 'off', notice: 'not_started' });
    cancelled.dismissNotice();
    expect(cancelled.getSnapshot()).toEqual({ status: 'off', notice: null });

    const broken = new ScreenShare(
      display(async () => Promise.reject(failure('NotReadableError'))).like,
    );
    await broken.start();
    expect(broken.getSnapshot()).toEqual({ status: 'off', notice: 'failed' });
  });

  it('lets go of a screen picked after Stop was pressed', async () => {
    const stream = fakeStream('video');
    let pick = () => {};
    const share = new ScreenShare(
      display(() => new Promise<MediaStream>((resolve) => (pick = () => resolve(stream)))).like,
    );
    const starting = share.start();
    expect(share.getSnapshot().status).toBe('starting');
    share.stop();
    pick();
    await starting;
    expect(share.getSnapshot()).toEqual({ status: 'off', notice: null });
    expect(stream.getTracks()[0]?.readyState).toBe('ended');
  });

  it('does nothing where the browser cannot share a screen', async () => {
    const share = new ScreenShare(undefined);
    expect(share.supported).toBe(false);
    await share.start();
    expect(share.getSnapshot()).toEqual({ status: 'off', notice: null });
  });
});
