import { randomUUID } from 'node:crypto';
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

  it('gives each projection its lag and horizon age, the board its health per provider, and the key its scopes', async () => {
    const key = stack.api.keys['dashboard:read'];
    const projections = await call(stack.api, 'GET', '/v1/dashboard/projections', { key });
    expect(projections.body.map((p: { name: string }) => p.name).sort()).toEqual(['audit_trail', 'ledger']);
    expect(projections.body[0]).toMatchObject({ lag: { positionsBehind: expect.any(Number) }, horizonAgeSeconds: expect.any(Number) });
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
});
