import { ReceiveSilence, receivedBytes } from './receive-silence';

const EVERY_MS = 500;

/** Feeds one reading per 500 ms, the counter growing by each of `deltas`; the verdicts. */
function readAll(watch: ReceiveSilence, deltas: readonly number[]) {
  let bytes = 0;
  return deltas.map((delta, i) => {
    bytes += delta;
    return watch.read(bytes, i * EVERY_MS);
  });
}

/** Media at 200 bytes a second or more (100 a reading). */
const watch = () => new ReceiveSilence({ silenceMs: 1_500, mediaBytesPerSecond: 200 });

describe('ReceiveSilence', () => {
  it('tells a steady link fell silent after 1.5 s without bytes, once, and when it is back', () => {
    const verdicts = readAll(watch(), [100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 80, 80]);
    expect(verdicts.indexOf('fell-silent')).toBe(7);
    expect(verdicts.filter((v) => v === 'fell-silent')).toHaveLength(1);
    expect(verdicts.indexOf('resumed')).toBe(10);
    expect(verdicts.filter((v) => v !== null)).toHaveLength(2);
  });

  it('counts a link steady from one reading at media rate: a call may move right away', () => {
    // Media in the reading at 500 ms only; silent 1.5 s later, at 2,000 ms.
    const verdicts = readAll(watch(), [0, 100, 0, 0, 0, 0, 60]);
    expect(verdicts).toEqual([null, null, null, null, 'fell-silent', null, 'resumed']);
  });

  it('asks for media again after an outage before another silence counts', () => {
    const verdicts = readAll(watch(), [0, 100, 0, 0, 0, 0, 9, 0, 0, 0, 0, 100, 0, 0, 0, 0]);
    expect(verdicts.filter((v) => v === 'fell-silent')).toHaveLength(2);
    // The trickle at 3,000 ms is back but not media; media again at 5,500 ms, silent at 7,000.
    expect(verdicts.indexOf('resumed')).toBe(6);
    expect(verdicts.indexOf('fell-silent', 6)).toBe(14);
  });

  it('raises no alarm for a peer that sends only RTCP and STUN, a packet a second or less', () => {
    const rtcpOnly = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 90 : 0));
    const everyFive = Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? 90 : 0));
    expect(readAll(watch(), rtcpOnly).every((v) => v === null)).toBe(true);
    expect(readAll(watch(), everyFive).every((v) => v === null)).toBe(true);
  });

  it('raises no alarm for a gap shorter than the silence', () => {
    expect(
      readAll(watch(), [100, 100, 100, 100, 100, 0, 0, 100, 100, 0, 0, 100]).every(
        (v) => v === null,
      ),
    ).toBe(true);
  });

  it('does not count a gap between readings as silence: the page was stalled', () => {
    const silence = watch();
    [100, 200, 300].forEach((bytes, i) => silence.read(bytes, i * EVERY_MS));
    expect(silence.read(300, 1_000 + 2_000)).toBeNull();
    expect(silence.read(300, 3_500)).toBeNull();
    // Readings on time again: 1.5 s of them without a byte is silence.
    expect(silence.read(300, 4_000)).toBeNull();
    expect(silence.read(300, 4_500)).toBe('fell-silent');
  });

  it('starts over when the counter drops (a new transport)', () => {
    const silence = watch();
    [100, 200, 300, 400, 500].forEach((bytes, i) => silence.read(bytes, i * EVERY_MS));
    expect(silence.read(50, 2_500)).toBeNull();
    expect(silence.read(50, 3_500)).toBeNull();
    expect(silence.read(50, 4_000)).toBe('fell-silent');
  });
});

describe('receivedBytes', () => {
  it('sums the transports, or the candidate pairs where there are no transport stats', () => {
    const pair = { type: 'candidate-pair', id: 'p', bytesReceived: 7 };
    expect(
      receivedBytes([
        { type: 'transport', id: 't1', bytesReceived: 10 },
        { type: 'transport', id: 't2', bytesReceived: 5 },
        pair,
      ]),
    ).toBe(15);
    expect(receivedBytes([pair, { ...pair, id: 'q', bytesReceived: 3 }])).toBe(10);
    expect(receivedBytes([{ type: 'inbound-rtp', id: 'i' }])).toBe(0);
  });
});
