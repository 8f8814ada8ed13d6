import type { ArgumentsHost } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { createLogger } from '@ledger/security';
import { ApiExceptionFilter } from './exception.filter';

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

function host(route: string): { host: ArgumentsHost; sent: () => { status: number; body: unknown } } {
  const res = {
    headersSent: false,
    statusCode: 0,
    body: undefined as unknown,
    setHeader: () => res,
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      res.body = body;
      return res;
    },
  };
  const req = { method: 'GET', baseUrl: '', route: { path: route } };
  const http = { getResponse: () => res, getRequest: () => req };
  return { host: { switchToHttp: () => http } as unknown as ArgumentsHost, sent: () => ({ status: res.statusCode, body: res.body }) };
}

/** What node-postgres throws for every query while PostgreSQL is down. */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111 });

describe('ApiExceptionFilter during an outage', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('collapses a planted flood of stack traces: the first in full, then one count line per interval', () => {
    const out = capture();
    const filter = new ApiExceptionFilter(createLogger({ destination: out.destination }), { intervalMs: 10_000 });
    // 270 failed requests in 30 s over two routes: what the reviewer saw as 270 level-50 lines with a stack each.
    for (let i = 0; i < 270; i++) {
      const { host: h, sent } = host(i % 3 === 0 ? '/v1/payments/:id' : '/v1/dashboard/payments');
      filter.catch(refused(), h);
      expect(sent()).toMatchObject({ status: 503, body: { error: { code: 'database_unavailable' } } });
      jest.advanceTimersByTime(110);
    }
    jest.advanceTimersByTime(30_000);
    const lines = out.lines();
    expect(lines.length).toBeLessThanOrEqual(5);
    const [first, ...summaries] = lines;
    expect(first).toMatchObject({
      level: 40,
      msg: 'request failed',
      status: 503,
      route: '/v1/payments/:id',
      error: { code: 'ECONNREFUSED' },
    });
    expect(String((first.error as { stack: string }).stack)).toContain('exception.filter.spec');
    expect(summaries.reduce((n, s) => n + Number(s.repeated), 0)).toBe(269);
    for (const s of summaries) {
      expect(s).toMatchObject({ level: 40, code: 'database_unavailable', msg: `${String(s.repeated)} more like this: request failed` });
      expect(JSON.stringify(s)).not.toContain('stack');
      expect(Object.keys(s.by as object).sort()).toEqual(['/v1/dashboard/payments', '/v1/payments/:id']);
    }
  });

  it('keeps different failures apart: an unexpected 500 is its own error line with its stack', () => {
    const out = capture();
    const filter = new ApiExceptionFilter(createLogger({ destination: out.destination }), { intervalMs: 10_000 });
    filter.catch(refused(), host('/v1/payments').host);
    filter.catch(refused(), host('/v1/payments').host);
    filter.catch(new TypeError('x is undefined'), host('/v1/payments').host);
    filter.flush();
    expect(out.lines().map((l) => [l.level, l.msg, (l.error as { type?: string }).type])).toEqual([
      [40, 'request failed', 'Error'],
      [50, 'request failed', 'TypeError'],
      [40, '1 more like this: request failed', 'Error'],
    ]);
  });
});
