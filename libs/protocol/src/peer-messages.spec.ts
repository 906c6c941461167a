import { parsePeerMediaState, PEER_MESSAGE_MAX_BYTES } from './peer-messages';

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
      JSON.stringify({ muted: true, cameraOff: false, pad: 'x'.repeat(PEER_MESSAGE_MAX_BYTES) }),
      new ArrayBuffer(4),
      undefined,
    ]) {
      expect(parsePeerMediaState(junk)).toBeNull();
    }
  });
});
