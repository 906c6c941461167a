import { firstOnly, joinTraceFrom, noTrace, type JoinStep } from './join-trace';

const storage = (value: string | null) => ({ getItem: () => value });

describe('joinTraceFrom', () => {
  it('marks each step on the page’s performance timeline when the switch is on', () => {
    const marks: [string, unknown][] = [];
    const trace = joinTraceFrom(storage('on'), {
      mark: (name, options) => {
        marks.push([name, options?.detail]);
        return undefined as unknown as PerformanceMark;
      },
    });
    trace('offer-received', 'alice');
    expect(marks).toEqual([['qm:offer-received', { peer: 'alice' }]]);
  });

  it('records nothing unless asked, also when storage is refused', () => {
    const mark = jest.fn();
    expect(joinTraceFrom(storage(null), { mark })).toBe(noTrace);
    const refused = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(joinTraceFrom(refused, { mark })).toBe(noTrace);
  });
});

describe('firstOnly', () => {
  it('passes each step once per peer', () => {
    const seen: [JoinStep, string | undefined][] = [];
    const trace = firstOnly((step, peer) => seen.push([step, peer]));
    trace('first-candidate-sent', 'alice');
    trace('first-candidate-sent', 'alice');
    trace('first-candidate-sent', 'bob');
    trace('room-joined');
    trace('room-joined');
    expect(seen).toEqual([
      ['first-candidate-sent', 'alice'],
      ['first-candidate-sent', 'bob'],
      ['room-joined', undefined],
    ]);
  });
});
