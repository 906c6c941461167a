import {
  parsePeerMediaState,
  parsePeerMessage,
  PEER_MESSAGE_MAX_BYTES,
  PEER_OFFER_REQUEST_MAX_SECTIONS,
} from './peer-messages';

describe('parsePeerMediaState', () => {
  it('reads what a peer says, with or without a screen', () => {
    expect(parsePeerMediaState('{"muted":true,"cameraOff":false}')).toEqual({
      muted: true,
      cameraOff: false,
    });
    expect(
      parsePeerMediaState(JSON.stringify({ muted: false, cameraOff: true, screenStreamId: 's-1' })),
    ).toEqual({ muted: false, cameraOff: true, screenStreamId: 's-1' });
    expect(
      parsePeerMediaState(JSON.stringify({ muted: false, cameraOff: false, screenStreamId: null })),
    ).toEqual({ muted: false, cameraOff: false, screenStreamId: null });
  });

  it('reads what the peer shows of our video and what it holds back of its own', () => {
    const state = {
      muted: false,
      cameraOff: false,
      view: { width: 640, height: 360, hidden: false },
      sendLimit: { paused: true, by: 'sender' },
    };
    expect(parsePeerMediaState(JSON.stringify(state))).toEqual(state);
  });

  it('tolerates fields a newer peer adds', () => {
    expect(parsePeerMediaState('{"muted":false,"cameraOff":false,"later":1}')).toEqual({
      muted: false,
      cameraOff: false,
    });
  });

  it('ignores anything else', () => {
    for (const junk of [
      'not json',
      'null',
      '[]',
      '{"muted":"yes","cameraOff":false}',
      '{"muted":true}',
      JSON.stringify({ muted: true, cameraOff: false, screenStreamId: '' }),
      JSON.stringify({ muted: true, cameraOff: false, screenStreamId: 'x'.repeat(65) }),
      JSON.stringify({
        muted: true,
        cameraOff: false,
        view: { width: -1, height: 9, hidden: false },
      }),
      JSON.stringify({
        muted: true,
        cameraOff: false,
        view: { width: 1e9, height: 9, hidden: false },
      }),
      JSON.stringify({ muted: true, cameraOff: false, sendLimit: { paused: true, by: 'nobody' } }),
      JSON.stringify({ muted: true, cameraOff: false, pad: 'x'.repeat(PEER_MESSAGE_MAX_BYTES) }),
      new ArrayBuffer(4),
      undefined,
    ]) {
      expect(parsePeerMediaState(junk)).toBeNull();
    }
  });
});

describe('parsePeerMessage', () => {
  it('tells a state from an offer request', () => {
    expect(parsePeerMessage('{"muted":true,"cameraOff":false}')).toEqual({
      kind: 'state',
      state: { muted: true, cameraOff: false },
    });
    expect(parsePeerMessage('{"type":"offer_request","audio":1,"video":1}')).toEqual({
      kind: 'offer_request',
      request: { type: 'offer_request', audio: 1, video: 1 },
    });
  });

  it('refuses requests a peer could use to make us grow the connection', () => {
    const over = PEER_OFFER_REQUEST_MAX_SECTIONS + 1;
    for (const junk of [
      JSON.stringify({ type: 'offer_request', audio: over, video: 0 }),
      JSON.stringify({ type: 'offer_request', audio: 0, video: -1 }),
      JSON.stringify({ type: 'offer_request', audio: 0.5, video: 0 }),
      JSON.stringify({ type: 'offer_request', video: 1 }),
      JSON.stringify({ type: 'something_else', muted: 1 }),
      'x'.repeat(PEER_MESSAGE_MAX_BYTES + 1),
    ]) {
      expect(parsePeerMessage(junk)).toBeNull();
    }
  });
});
