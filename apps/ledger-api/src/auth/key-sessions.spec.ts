import { KeySessions, type KeySessionEnd, type KeyState } from './key-sessions';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function key(overrides: Partial<KeyState> = {}): KeyState {
  return { id: 'k1', scopes: ['dashboard:read'], secretHash: 'h1', expiresAt: null, revokedAt: null, ...overrides };
}

/** A key table the sessions read from; each read is counted, and may be held back or made to fail. */
function table(...initial: KeyState[]) {
  const rows = new Map(initial.map((k) => [k.id, k]));
  const reads: string[][] = [];
  let failing = false;
  const read = async (ids: readonly string[]) => {
    reads.push([...ids]);
    if (failing) throw new Error('database unreachable');
    return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : [])));
  };
  return {
    rows,
    reads,
    read,
    fail: (value: boolean) => void (failing = value),
  };
}

function recorder() {
  const ended: KeySessionEnd[] = [];
  return { ended, end: (e: KeySessionEnd) => void ended.push(e) };
}

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('KeySessions', () => {
  it('ends a session when its key is revoked, on the notification, never synchronously', async () => {
    const db = table(key());
    const sessions = new KeySessions(db.read);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended).toEqual([]);
    db.rows.set('k1', key({ revokedAt: new Date(T0) }));
    sessions.changed('k1');
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended).toEqual([{ reason: 'revoked', at: new Date(T0).toISOString() }]);
    expect(sessions.size).toBe(0);
    sessions.stop();
  });

  it('ends a session at its key expiry, by a timer, without a notification or a read', async () => {
    const expiresAt = new Date(T0 + 60_000);
    const db = table(key({ expiresAt }));
    const sessions = new KeySessions(db.read, 3_600_000);
    const s = recorder();
    sessions.hold(key({ expiresAt }), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(s.ended).toEqual([]);
    const readsBefore = db.reads.length;
    await jest.advanceTimersByTimeAsync(1);
    expect(s.ended).toEqual([{ reason: 'expired', at: expiresAt.toISOString() }]);
    expect(db.reads.length).toBe(readsBefore);
    sessions.stop();
  });

  it('follows an expiry moved while the session is open, later or earlier', async () => {
    const db = table(key({ expiresAt: new Date(T0 + 10_000) }));
    const sessions = new KeySessions(db.read, 3_600_000);
    const s = recorder();
    sessions.hold(db.rows.get('k1')!, 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(0);
    db.rows.set('k1', key({ expiresAt: new Date(T0 + 20_000) }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(15_000);
    expect(s.ended).toEqual([]);
    db.rows.set('k1', key({ expiresAt: new Date(T0 + 17_000) }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(1_999);
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(s.ended.map((e) => e.reason)).toEqual(['expired']);
    sessions.stop();
  });

  it('arms no immediate timer for an expiry beyond setTimeout’s range', async () => {
    const far = new Date(T0 + 40 * 86_400_000);
    const db = table(key({ expiresAt: far }));
    const sessions = new KeySessions(db.read, 3_600_000);
    const s = recorder();
    sessions.hold(key({ expiresAt: far }), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(30 * 86_400_000);
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(10 * 86_400_000);
    expect(s.ended.map((e) => e.reason)).toEqual(['expired']);
    sessions.stop();
  });

  it('a key already expired when held ends its session on the next turn', async () => {
    const expired = key({ expiresAt: new Date(T0 - 1) });
    const sessions = new KeySessions(table(expired).read);
    const s = recorder();
    sessions.hold(expired, 'dashboard:read', s.end);
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended.map((e) => e.reason)).toEqual(['expired']);
    sessions.stop();
  });

  it('reads the key again when held, so a revocation just before is not missed', async () => {
    const db = table(key({ revokedAt: new Date(T0 - 5) }));
    const sessions = new KeySessions(db.read);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended.map((e) => e.reason)).toEqual(['revoked']);
    sessions.stop();
  });

  it('without any notification, the sweep ends a revoked key’s session within a second', async () => {
    const db = table(key());
    const sessions = new KeySessions(db.read);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(0);
    db.rows.set('k1', key({ revokedAt: new Date(T0) }));
    await jest.advanceTimersByTimeAsync(999);
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(s.ended.map((e) => e.reason)).toEqual(['revoked']);
    sessions.stop();
  });

  it('a resync after a lost connection reads every held key at once', async () => {
    const db = table(key(), key({ id: 'k2' }));
    const sessions = new KeySessions(db.read, 3_600_000);
    const [a, b] = [recorder(), recorder()];
    sessions.hold(key(), 'dashboard:read', a.end);
    sessions.hold(key({ id: 'k2' }), 'dashboard:read', b.end);
    await jest.advanceTimersByTimeAsync(0);
    db.rows.delete('k2');
    sessions.resync();
    await jest.advanceTimersByTimeAsync(0);
    expect(db.reads.at(-1)).toEqual(['k1', 'k2']);
    expect(a.ended).toEqual([]);
    expect(b.ended.map((e) => e.reason)).toEqual(['deleted']);
    sessions.stop();
  });

  it('ends only the sessions the key no longer lets in: scope withdrawn, secret replaced', async () => {
    const db = table(key({ scopes: ['dashboard:read', 'admin'] }));
    const sessions = new KeySessions(db.read, 3_600_000);
    const [dash, admin] = [recorder(), recorder()];
    sessions.hold(db.rows.get('k1')!, 'dashboard:read', dash.end);
    sessions.hold(db.rows.get('k1')!, 'admin', admin.end);
    db.rows.set('k1', key({ scopes: ['dashboard:read'] }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(0);
    expect(admin.ended.map((e) => e.reason)).toEqual(['scope_removed']);
    expect(dash.ended).toEqual([]);
    db.rows.set('k1', key({ secretHash: 'h2' }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(0);
    expect(dash.ended.map((e) => e.reason)).toEqual(['secret_changed']);
    sessions.stop();
  });

  it('an older read answering after a newer one is ignored', async () => {
    const answers: ((rows: Map<string, KeyState>) => void)[] = [];
    const sessions = new KeySessions(() => new Promise((resolve) => answers.push(resolve)), 3_600_000);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', s.end);
    sessions.changed('k1');
    expect(answers).toHaveLength(2);
    // The expiry was moved from 5 s to 20 s: the newer read says so first, the older one arrives late.
    answers[1](new Map([['k1', key({ expiresAt: new Date(T0 + 20_000) })]]));
    answers[0](new Map([['k1', key({ expiresAt: new Date(T0 + 5_000) })]]));
    await jest.advanceTimersByTimeAsync(19_999);
    expect(s.ended).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(s.ended.map((e) => e.reason)).toEqual(['expired']);
    sessions.stop();
  });

  it('a failed read leaves sessions open; the next sweep decides', async () => {
    const db = table(key());
    const sessions = new KeySessions(db.read);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(0);
    db.fail(true);
    db.rows.set('k1', key({ revokedAt: new Date(T0) }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended).toEqual([]);
    db.fail(false);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(s.ended.map((e) => e.reason)).toEqual(['revoked']);
    sessions.stop();
  });

  it('a released session is no longer watched, and with none left nothing is read', async () => {
    const db = table(key({ expiresAt: new Date(T0 + 5_000) }));
    const sessions = new KeySessions(db.read);
    const s = recorder();
    const release = sessions.hold(db.rows.get('k1')!, 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(2_500);
    release();
    expect(sessions.size).toBe(0);
    const reads = db.reads.length;
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(10_000);
    expect(db.reads.length).toBe(reads);
    expect(s.ended).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
    sessions.stop();
  });

  it('one session whose end throws does not keep the key’s other sessions open', async () => {
    const db = table(key());
    const sessions = new KeySessions(db.read, 3_600_000);
    const s = recorder();
    sessions.hold(key(), 'dashboard:read', () => {
      throw new Error('socket gone');
    });
    sessions.hold(key(), 'dashboard:read', s.end);
    db.rows.set('k1', key({ revokedAt: new Date(T0) }));
    sessions.changed('k1');
    await jest.advanceTimersByTimeAsync(0);
    expect(s.ended.map((e) => e.reason)).toEqual(['revoked']);
    expect(sessions.size).toBe(0);
    sessions.stop();
  });

  it('after stop, holds watch nothing and no timer is left', async () => {
    const db = table(key({ expiresAt: new Date(T0 + 5_000) }));
    const sessions = new KeySessions(db.read);
    const s = recorder();
    sessions.hold(db.rows.get('k1')!, 'dashboard:read', s.end);
    sessions.stop();
    expect(jest.getTimerCount()).toBe(0);
    sessions.hold(db.rows.get('k1')!, 'dashboard:read', s.end);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(s.ended).toEqual([]);
    expect(sessions.size).toBe(0);
  });
});
