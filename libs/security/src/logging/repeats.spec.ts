import type { DestinationStream } from 'pino';
import { createLogger } from './logger';
import { RepeatCollapser } from './repeats';

function capture(): { destination: DestinationStream; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  return {
    destination: { write: (chunk: string) => void chunks.push(chunk) },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('RepeatCollapser', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('writes the first of a flood in full, then one "N more like this" line per interval', () => {
    const out = capture();
    const repeats = new RepeatCollapser(createLogger({ destination: out.destination }), { intervalMs: 10_000 });
    // 270 failures in 30 s, as a database outage under load gave the API.
    for (let i = 0; i < 270; i++) {
      repeats.log(
        'error',
        'db',
        'request failed',
        { stack: 'Error: connect ECONNREFUSED\n    at x' },
        { code: 'ECONNREFUSED' },
        `/r${i % 2}`,
      );
      jest.advanceTimersByTime(111);
    }
    jest.advanceTimersByTime(20_000);
    const lines = out.lines();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed', stack: expect.stringContaining('ECONNREFUSED') });
    const summaries = lines.slice(1);
    for (const s of summaries) {
      expect(s).toMatchObject({ level: 50, code: 'ECONNREFUSED', since: '2026-03-01T12:00:00.000Z' });
      expect(s.msg).toBe(`${String(s.repeated)} more like this: request failed`);
      expect(s).not.toHaveProperty('stack');
    }
    expect(summaries.reduce((n, s) => n + Number(s.repeated), 0)).toBe(269);
    expect(Object.keys(summaries[0].by as object).sort()).toEqual(['/r0', '/r1']);
  });

  it('starts over after a quiet interval, and keeps different keys apart', () => {
    const out = capture();
    const repeats = new RepeatCollapser(createLogger({ destination: out.destination }), { intervalMs: 1_000 });
    expect(repeats.log('warn', 'a', 'first')).toBe(true);
    expect(repeats.log('warn', 'b', 'other')).toBe(true);
    expect(repeats.log('warn', 'a', 'first')).toBe(false);
    jest.advanceTimersByTime(1_000); // "1 more like this: first"
    jest.advanceTimersByTime(1_000); // quiet: the run ends
    expect(repeats.log('warn', 'a', 'first')).toBe(true);
    expect(out.lines().map((l) => l.msg)).toEqual(['first', 'other', '1 more like this: first', 'first']);
  });

  it('end() writes the pending count at once and lets the next occurrence through in full; flush() ends every run', () => {
    const out = capture();
    const repeats = new RepeatCollapser(createLogger({ destination: out.destination }), { intervalMs: 60_000 });
    repeats.log('warn', 'a', 'interrupted');
    repeats.log('warn', 'a', 'interrupted');
    repeats.log('warn', 'a', 'interrupted');
    repeats.end('a');
    repeats.log('warn', 'a', 'interrupted');
    repeats.log('warn', 'a', 'interrupted');
    repeats.flush();
    expect(out.lines().map((l) => l.msg)).toEqual([
      'interrupted',
      '2 more like this: interrupted',
      'interrupted',
      '1 more like this: interrupted',
    ]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
