import type { DestinationStream } from 'pino';
import { createLogger } from '@ledger/security';
import { projectorLog } from './log';

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

const INTERRUPTED = 'projection interrupted: database unavailable, resuming from the checkpoint';

describe('projectorLog', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('writes pino lines of the app, and collapses a 30 s database outage of two runners to one line each per interval', () => {
    const out = capture();
    const log = projectorLog(createLogger({ name: 'projector', destination: out.destination }), { intervalMs: 10_000 });
    log('projection active', { projection: 'ledger' });
    log('projection active', { projection: 'audit_trail' });
    // Each runner retries once a second while PostgreSQL is down.
    for (let s = 0; s < 30; s++) {
      for (const projection of ['ledger', 'audit_trail']) log(INTERRUPTED, { projection, error: 'connect ECONNREFUSED 127.0.0.1:5432' });
      jest.advanceTimersByTime(1_000);
    }
    log('projection active', { projection: 'ledger' });
    log('projection active', { projection: 'audit_trail' });
    const lines = out.lines();
    expect(lines[0]).toMatchObject({
      level: 30,
      name: 'projector',
      msg: 'projection active',
      projection: 'ledger',
      time: expect.any(Number),
    });
    const interrupted = lines.filter((l) => String(l.msg).endsWith(INTERRUPTED));
    expect(interrupted.length).toBeLessThanOrEqual(2 * 4);
    for (const projection of ['ledger', 'audit_trail']) {
      const mine = interrupted.filter((l) => l.projection === projection);
      expect(mine[0]).toMatchObject({ level: 40, msg: INTERRUPTED, error: 'connect ECONNREFUSED 127.0.0.1:5432' });
      expect(mine.slice(1).reduce((n, l) => n + Number(l.repeated), 0)).toBe(29);
      for (const l of mine.slice(1)) expect(l.by).toEqual({ 'connect ECONNREFUSED 127.0.0.1:5432': l.repeated });
    }
    expect(lines.slice(-2).map((l) => [l.msg, l.projection])).toEqual([
      ['projection active', 'ledger'],
      ['projection active', 'audit_trail'],
    ]);
  });

  it('tells the next outage in full once the projection was active again', () => {
    const out = capture();
    const log = projectorLog(createLogger({ destination: out.destination }), { intervalMs: 60_000 });
    log(INTERRUPTED, { projection: 'ledger', error: 'x' });
    log(INTERRUPTED, { projection: 'ledger', error: 'x' });
    log('projection active', { projection: 'ledger' });
    log(INTERRUPTED, { projection: 'ledger', error: 'x' });
    log('projection stopped on an error', { error: 'cannot apply event' });
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([
      [40, INTERRUPTED],
      [40, `1 more like this: ${INTERRUPTED}`],
      [30, 'projection active'],
      [40, INTERRUPTED],
      [50, 'projection stopped on an error'],
    ]);
  });
});
