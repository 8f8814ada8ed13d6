import type { Request } from 'express';
import type { Pool } from 'pg';
import { findApiKeys, hasScope, isApiKeyActive, type ApiKeyRecord, type Scope } from '@ledger/security';
import { contextOf } from '../http/request-context';

/** Why a watched session ended; the stream sends it as `reason`. */
type KeySessionEndReason = 'revoked' | 'expired' | 'deleted' | 'secret_changed' | 'scope_removed';

export interface KeySessionEnd {
  readonly reason: KeySessionEndReason;
  /** When this process noticed, ISO 8601. */
  readonly at: string;
}

/** What of a key decides whether a session it opened may go on. */
export type KeyState = Pick<ApiKeyRecord, 'id' | 'scopes' | 'secretHash' | 'expiresAt' | 'revokedAt'>;

/** The current state of each of these keys; a key absent from the map no longer exists. */
type ReadKeyStates = (ids: readonly string[]) => Promise<ReadonlyMap<string, KeyState>>;

/** The fallback's period: a revocation whose notification was lost still ends its sessions within this (plus one read). */
const KEY_SESSION_SWEEP_MS = 1_000;
/** setTimeout's ceiling (a longer delay fires at once); a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Session {
  readonly required: Scope;
  /** The hash the key was verified against when the session opened: another secret under the same id is another key. */
  readonly secretHash: string;
  readonly end: (ended: KeySessionEnd) => void;
}

interface Watch {
  readonly sessions: Set<Session>;
  /** undefined: not read yet; null: the key no longer exists. */
  state: KeyState | null | undefined;
  /** The read `state` came from: an older read answering late is ignored. */
  stamp: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Long-lived responses (the dashboard's event stream) are authenticated once,
 * when they open. A KeySessions (one per API process, owned by ApiKeyGuard)
 * keeps watching the key of each such session and ends it as soon as the key
 * would no longer let the request in:
 *
 * - revoked, deleted, its secret or scopes changed: the api_keys trigger
 *   NOTIFYs (ApiKeyChanges), and the key is read again at once;
 * - expired: a timer set for its `expires_at` (re-set whenever the key changes);
 * - a notification missed (LISTEN reconnecting): every held key is read again
 *   on resync, and by a sweep once a second while any session is open.
 *
 * A read that fails (database unreachable) leaves the sessions as they are; the
 * next sweep tries again. A stream has nothing to deliver meanwhile either: its
 * changes come through the same database.
 */
export class KeySessions {
  private readonly watches = new Map<string, Watch>();
  private reads = 0;
  private sweep: NodeJS.Timeout | undefined;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly read: ReadKeyStates,
    private readonly sweepMs = KEY_SESSION_SWEEP_MS,
  ) {}

  /** Open sessions, over every key. */
  get size(): number {
    let n = 0;
    for (const watch of this.watches.values()) n += watch.sessions.size;
    return n;
  }

  /**
   * Watches `key` (as the guard saw it when it let the request in) for as long
   * as the session lasts. `end` is called at most once, never synchronously,
   * when the key stops being valid for `required`; the returned function ends
   * the watch (the session closed by itself). The key is read again at once,
   * so a change between the guard's check and this call is not missed.
   */
  hold(key: KeyState, required: Scope, end: (ended: KeySessionEnd) => void): () => void {
    if (this.stopped) return () => undefined;
    let watch = this.watches.get(key.id);
    if (!watch) {
      watch = { sessions: new Set(), state: undefined, stamp: 0, timer: undefined };
      this.watches.set(key.id, watch);
    }
    const session: Session = { required, secretHash: key.secretHash, end };
    watch.sessions.add(session);
    if (watch.state === undefined) {
      // Arms the expiry timer now; the read below replaces this state.
      watch.state = key;
      this.arm(key.id, watch);
    }
    this.startSweep();
    void this.refresh([key.id]);
    return () => this.release(key.id, session);
  }

  /** The key changed (a notification): read it again. */
  changed(id: string): void {
    if (this.watches.has(id)) void this.refresh([id]);
  }

  /** Notifications may have been missed: read every held key again. */
  resync(): void {
    if (this.watches.size > 0) void this.refresh([...this.watches.keys()]);
  }

  /** The process is shutting down: no more timers or reads (the streams themselves are ended by their owner). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweep);
    this.sweep = undefined;
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
    this.watches.clear();
  }

  private async refresh(ids: readonly string[]): Promise<void> {
    const stamp = ++this.reads;
    let states: ReadonlyMap<string, KeyState>;
    try {
      states = await this.read(ids);
    } catch {
      return; // the sweep reads again within a second
    }
    if (this.stopped) return;
    for (const id of ids) {
      const watch = this.watches.get(id);
      if (!watch || watch.stamp > stamp) continue;
      watch.stamp = stamp;
      watch.state = states.get(id) ?? null;
      this.evaluate(id, watch);
    }
  }

  private evaluate(id: string, watch: Watch): void {
    const now = new Date();
    for (const session of [...watch.sessions]) {
      const reason = endReason(watch.state, session, now);
      if (reason) this.end(id, watch, session, { reason, at: now.toISOString() });
    }
    this.arm(id, watch);
  }

  /** A timer for the key's expiry, replacing any earlier one. */
  private arm(id: string, watch: Watch): void {
    clearTimeout(watch.timer);
    watch.timer = undefined;
    const expiresAt = watch.state?.expiresAt;
    if (!expiresAt || watch.sessions.size === 0 || this.watches.get(id) !== watch) return;
    const delay = Math.min(Math.max(expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS);
    // Timers never fire early by the monotonic clock; should the wall clock disagree, evaluate re-arms.
    watch.timer = setTimeout(() => this.evaluate(id, watch), delay);
    watch.timer.unref();
  }

  private end(id: string, watch: Watch, session: Session, ended: KeySessionEnd): void {
    this.release(id, session);
    try {
      session.end(ended);
    } catch {
      // One session's failure to end must not keep the others open.
    }
  }

  private release(id: string, session: Session): void {
    const watch = this.watches.get(id);
    if (!watch?.sessions.delete(session)) return;
    if (watch.sessions.size > 0) return;
    clearTimeout(watch.timer);
    this.watches.delete(id);
    if (this.watches.size === 0) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
  }

  private startSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => {
      if (this.sweeping || this.watches.size === 0) return;
      this.sweeping = true;
      void this.refresh([...this.watches.keys()]).finally(() => (this.sweeping = false));
    }, this.sweepMs);
    this.sweep.unref();
  }
}

/** Why the key would now be refused for this session, or undefined while it is still good (the guard's rules). */
function endReason(state: KeyState | null | undefined, session: Pick<Session, 'required' | 'secretHash'>, now: Date) {
  if (state === undefined) return undefined;
  if (state === null) return 'deleted' as const;
  if (state.revokedAt !== null) return 'revoked' as const;
  if (!isApiKeyActive(state, now)) return 'expired' as const;
  if (state.secretHash !== session.secretHash) return 'secret_changed' as const;
  if (!hasScope(state.scopes, session.required)) return 'scope_removed' as const;
  return undefined;
}

/** One query for every key a sweep holds (libs/security owns the table). */
export function readKeyStatesFrom(pool: Pool): ReadKeyStates {
  return (ids) => findApiKeys(pool, ids);
}

/** The guard's note on each request it let in (kept on the request's context): which process's sessions, which key, for which scope. */
export interface KeyGrant {
  readonly sessions: KeySessions;
  readonly key: KeyState;
  readonly required: Scope;
}

/** Called by ApiKeyGuard once it has let `req` in with `key` for `required`. */
export function grantKeySession(req: Request, sessions: KeySessions, key: KeyState, required: Scope): void {
  contextOf(req).keyGrant = { sessions, key, required };
}

/**
 * For a response that outlives its request's authentication (a stream): `end`
 * is called, at most once and never synchronously, when the request's key is
 * revoked, expires or otherwise stops being valid for the route, in whichever
 * process holds the response. Call the returned function when the response
 * closes by itself.
 */
export function holdKeySession(req: Request, end: (ended: KeySessionEnd) => void): () => void {
  const grant = contextOf(req).keyGrant;
  if (!grant) throw new Error('holdKeySession: this request was not let in by an API key');
  return grant.sessions.hold(grant.key, grant.required, end);
}
