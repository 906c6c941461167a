import { ActiveSpeaker, DEFAULT_ACTIVE_SPEAKER_SETTINGS } from './active-speaker';

const { holdMs, takeoverMs } = DEFAULT_ACTIVE_SPEAKER_SETTINGS;
const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

/** Feeds the same readings every 100 ms for `ms`, starting at `from`; returns the end time. */
function feed(speaker: ActiveSpeaker, readings: Record<string, number>, from: number, ms: number) {
  for (let t = from; t < from + ms; t += 100) speaker.update(levels(readings), t);
  return from + ms;
}

describe('ActiveSpeaker', () => {
  it('names nobody in silence and the one who speaks', () => {
    const speaker = new ActiveSpeaker();
    expect(speaker.update(levels({ a: 0, b: 0.001 }), 0)).toBeNull();
    feed(speaker, { a: 0.3, b: 0.001 }, 100, 300);
    expect(speaker.current).toBe('a');
  });

  it('keeps the speaker through a short pause and lets go after the hold', () => {
    const speaker = new ActiveSpeaker();
    let t = feed(speaker, { a: 0.3, b: 0 }, 0, 500);
    t = feed(speaker, { a: 0, b: 0 }, t, holdMs - 500);
    expect(speaker.current).toBe('a');
    feed(speaker, { a: 0, b: 0 }, t, 1_000);
    expect(speaker.current).toBeNull();
  });

  it('hands over only to someone who leads for a while, not to a blip', () => {
    const speaker = new ActiveSpeaker();
    let t = feed(speaker, { a: 0.2, b: 0 }, 0, 500);
    t = feed(speaker, { a: 0.2, b: 0.6 }, t, takeoverMs / 2);
    t = feed(speaker, { a: 0.2, b: 0 }, t, 300);
    expect(speaker.current).toBe('a');
    feed(speaker, { a: 0.2, b: 0.6 }, t, takeoverMs + 300);
    expect(speaker.current).toBe('b');
  });

  it('forgets someone who left, even mid-speech', () => {
    const speaker = new ActiveSpeaker();
    feed(speaker, { a: 0.5 }, 0, 500);
    expect(speaker.update(levels({ b: 0 }), 600)).toBeNull();
  });
});
