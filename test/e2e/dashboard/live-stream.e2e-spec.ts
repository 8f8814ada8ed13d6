import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ledger/platform';
import { createApiKey, revokeApiKey, rotateApiKey } from '@ledger/security';
import { testServices } from '@ledger/testing';
import { createApiApp } from '../../../apps/ledger-api/src/app';
import { call } from '../../support/api-harness';
import { startLiveStack, type LiveStack } from './support/live-stack';

/** Reads server-sent events off a fetch stream until `until` has seen what it wants. */
async function readStream(res: Response, until: (events: string[]) => boolean): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const name = buffer
        .slice(0, end)
        .split('\n')
        .find((l) => l.startsWith('event: '));
      if (name) events.push(name.slice(7));
      buffer = buffer.slice(end + 2);
    }
  }
  await reader.cancel();
  return events;
}

interface StreamEvent {
  readonly event: string;
  readonly data: any;
}

/** An open stream read in the background: every event as it comes, and when the server ended it. */
interface OpenStream {
  readonly events: StreamEvent[];
  /** Resolves with Date.now() when the server ends the stream. */
  readonly ended: Promise<number>;
  /** The first event named `name` at index `from` or later; undefined after `timeoutMs`. */
  next(name: string, from: number, timeoutMs: number): Promise<StreamEvent | undefined>;
  close(): Promise<void>;
}

/** Opens GET /v1/dashboard/stream with `key` and resolves once it said `ready` (the key is watched from then on). */
async function openStream(baseUrl: string, key: string): Promise<OpenStream> {
  const res = await fetch(`${baseUrl}/v1/dashboard/stream`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let wake = () => undefined as void;
  let done = false;
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const name = lines.find((l) => l.startsWith('event: '));
        const data = lines.find((l) => l.startsWith('data: '));
        if (name) events.push({ event: name.slice(7), data: data ? JSON.parse(data.slice(6)) : undefined });
      }
      wake();
    }
    const at = Date.now();
    done = true;
    wake();
    return at;
  })();
  const next = async (name: string, from: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.slice(from).find((e) => e.event === name);
      if (found || done || Date.now() >= deadline) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const stream = { events, ended, next, close: () => reader.cancel() };
  expect(await next('ready', 0, 10_000)).toBeDefined();
  return stream;
}

/** Milliseconds from `since` until the stream ended; Infinity when it is still open after `capMs` (a failing assertion, not a hang). */
async function endedWithin(stream: OpenStream, since: number, capMs = 5_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Infinity), capMs)));
  const at = await Promise.race([stream.ended, cap]);
  clearTimeout(timer);
  return at - since;
}

const REVOKED = { event: 'revoked', data: { reason: 'revoked', at: expect.any(String) } };

describe('GET /v1/dashboard/stream', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack();
  });
  afterAll(() => stack.stop());

  it('needs a dashboard:read key in the Authorization header; a key in the URL is not one', async () => {
    const url = `${stack.api.baseUrl}/v1/dashboard/stream`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?key=${stack.api.keys['dashboard:read']}`)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${stack.api.keys['payments:write']}` } })).status).toBe(403);
  });

  it('says ready, then sends a change when the projector commits a batch', async () => {
    const res = await fetch(`${stack.api.baseUrl}/v1/dashboard/stream`, {
      headers: { authorization: `Bearer ${stack.api.keys['dashboard:read']}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readStream(res, (seen) => seen.includes('change'));
    const created = await call(stack.api, 'POST', '/v1/payments', {
      key: stack.api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { provider: 'stripe', amount: 1999, currency: 'USD', customerId: 'cus_stream' },
    });
    expect(created.status).toBe(201);
    expect(await events).toEqual(['ready', 'change']);
  });

  it('gives each projection its lag and checkpoint age, the board its health per provider, and the key its scopes', async () => {
    const key = stack.api.keys['dashboard:read'];
    const projections = await call(stack.api, 'GET', '/v1/dashboard/projections', { key });
    expect(projections.body.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['audit_trail', 'books', 'ledger']));
    expect(projections.body[0]).toMatchObject({ lag: { positionsBehind: expect.any(Number) }, checkpointAgeSeconds: expect.any(Number) });
    const board = await call(stack.api, 'GET', '/v1/dashboard/board', { key });
    expect(board.status).toBe(200);
    expect(Object.keys(board.body.health).sort()).toEqual(['paystack', 'stripe']);
    expect(board.body.health.stripe.status).toBe('healthy');
    expect(board.body.openAlerts).toEqual([]);
    expect(board.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    const session = await call(stack.api, 'GET', '/v1/dashboard/session', { key });
    expect(session.body).toEqual({ name: 'test dashboard:read', scopes: ['dashboard:read'] });
    expect(JSON.stringify(session.body)).not.toContain(key);
  });

  describe('an open stream ends within 1 s of its key no longer being valid', () => {
    const dashboardKey = (name: string, expiresAt?: Date) =>
      createApiKey(stack.api.db.pool, { name, scopes: ['dashboard:read'], expiresAt: expiresAt ?? null });
    const createPayment = () =>
      call(stack.api, 'POST', '/v1/payments', {
        key: stack.api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 500, currency: 'USD', customerId: 'cus_stream_keys' },
      });

    it('revoked: a last `revoked` event, then the end, within 1 s of the revocation returning', async () => {
      const { id, key } = await dashboardKey('revoked watcher');
      const stream = await openStream(stack.api.baseUrl, key);
      expect(await revokeApiKey(stack.api.db.pool, id)).toBe(true);
      expect(await endedWithin(stream, Date.now())).toBeLessThan(1_000);
      expect(stream.events.at(-1)).toEqual(REVOKED);
      expect((await fetch(`${stack.api.baseUrl}/v1/dashboard/stream`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    });

    it('rotated away (`ledger api-keys rotate`): the old key’s stream ends within 1 s, the new key streams', async () => {
      const { id, key } = await dashboardKey('rotated watcher', new Date(Date.now() + 86_400_000));
      const stream = await openStream(stack.api.baseUrl, key);
      const rotated = await rotateApiKey(stack.api.db.pool, id);
      expect(await endedWithin(stream, Date.now())).toBeLessThan(1_000);
      expect(stream.events.at(-1)).toEqual(REVOKED);
      const fresh = await openStream(stack.api.baseUrl, rotated.key);
      await fresh.close();
    });

    it('expired while open: ends at the expiry it was created with, not before, and within 1 s of it', async () => {
      const expiresAt = new Date(Date.now() + 2_000);
      const { key } = await dashboardKey('expiring watcher', expiresAt);
      const stream = await openStream(stack.api.baseUrl, key);
      expect(stream.events.map((e) => e.event)).toEqual(['ready']);
      const sinceExpiry = await endedWithin(stream, expiresAt.getTime(), 7_000);
      expect(sinceExpiry).toBeGreaterThanOrEqual(0);
      expect(sinceExpiry).toBeLessThan(1_000);
      expect(stream.events.at(-1)).toEqual({ event: 'revoked', data: { reason: 'expired', at: expect.any(String) } });
    });

    it('an expiry brought forward on an open stream is followed: ends within 1 s of the new expiry', async () => {
      const { id, key } = await dashboardKey('shortened watcher', new Date(Date.now() + 30 * 86_400_000));
      const stream = await openStream(stack.api.baseUrl, key);
      const { rows } = await stack.api.db.pool.query<{ expires_at: Date }>(
        `UPDATE ledger.api_keys SET expires_at = now() + interval '500 milliseconds' WHERE id = $1 RETURNING expires_at`,
        [id],
      );
      const sinceExpiry = await endedWithin(stream, rows[0].expires_at.getTime());
      expect(sinceExpiry).toBeGreaterThanOrEqual(0);
      expect(sinceExpiry).toBeLessThan(1_000);
      expect(stream.events.at(-1)).toEqual({ event: 'revoked', data: { reason: 'expired', at: expect.any(String) } });
    });

    it('a stream of another, still valid key stays open and keeps receiving changes after the revocation', async () => {
      const [gone, kept] = await Promise.all([dashboardKey('revoked neighbour'), dashboardKey('kept neighbour')]);
      const [revoked, other] = [await openStream(stack.api.baseUrl, gone.key), await openStream(stack.api.baseUrl, kept.key)];
      try {
        expect(await revokeApiKey(stack.api.db.pool, gone.id)).toBe(true);
        expect(await endedWithin(revoked, Date.now())).toBeLessThan(1_000);
        const mark = other.events.length;
        expect((await createPayment()).status).toBe(201);
        expect(await other.next('change', mark, 10_000)).toMatchObject({ event: 'change', data: { projections: expect.any(Array) } });
        expect(other.events.map((e) => e.event)).not.toContain('revoked');
      } finally {
        await other.close();
      }
    });

    describe('on a second API process (each API_WORKERS worker is one: its own LISTEN, its own streams)', () => {
      let second: { baseUrl: string; close(): Promise<unknown> };
      beforeAll(async () => {
        const { app } = await createApiApp({
          config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMITS: 'api=100000/1m,auth_failure=100000/1m' }),
          databaseUrl: stack.api.db.url,
          redisUrl: testServices().redisUrl,
          rateLimitPrefix: stack.api.rateLimitPrefix,
        });
        await app.listen(0, '127.0.0.1');
        second = { baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, close: () => app.close() };
      });
      afterAll(() => second.close());

      it('streams of one key held by both processes each end within 1 s of its revocation', async () => {
        const { id, key } = await dashboardKey('watcher on two processes');
        const onSecond = await openStream(second.baseUrl, key);
        const onFirst = await openStream(stack.api.baseUrl, key);
        expect(await revokeApiKey(stack.api.db.pool, id)).toBe(true);
        const revokedAt = Date.now();
        const elapsed = await Promise.all([endedWithin(onSecond, revokedAt), endedWithin(onFirst, revokedAt)]);
        expect(elapsed.map((ms) => ms < 1_000)).toEqual([true, true]);
        expect([onSecond.events.at(-1), onFirst.events.at(-1)]).toEqual([REVOKED, REVOKED]);
      });

      it('a key expiring while its stream is open on the second process ends it there within 1 s', async () => {
        const expiresAt = new Date(Date.now() + 1_500);
        const { key } = await dashboardKey('expiring on the second process', expiresAt);
        const stream = await openStream(second.baseUrl, key);
        const sinceExpiry = await endedWithin(stream, expiresAt.getTime(), 7_000);
        expect(sinceExpiry).toBeGreaterThanOrEqual(0);
        expect(sinceExpiry).toBeLessThan(1_000);
        expect(stream.events.at(-1)).toEqual({ event: 'revoked', data: { reason: 'expired', at: expect.any(String) } });
      });
    });
  });
});
