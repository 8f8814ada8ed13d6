import type { Logger } from 'pino';

/** How often a run of repeats writes its "N more like this" line, unless told otherwise. */
export const REPEAT_INTERVAL_MS = 10_000;

export type RepeatLevel = 'fatal' | 'error' | 'warn' | 'info';

export interface RepeatCollapserOptions {
  /** One summary line per run and interval at most; a run quiet for a whole interval ends. */
  readonly intervalMs?: number;
}

interface Run {
  readonly level: RepeatLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
  readonly startedAt: number;
  repeats: number;
  /** Distinct values of `tally` seen in the current interval (e.g. routes), counted. */
  tally: Map<string, number>;
  timer: NodeJS.Timeout;
}

/**
 * Collapses a flood of the same log line (one per failed request while the database is down, one per
 * retry of a loop) into the first occurrence, written in full, then at most one line per interval:
 * `N more like this: <message>` with `repeated: N` and the key's own brief fields. A run that stays quiet
 * for a whole interval ends, so the next occurrence is written in full again; `end(key)` ends one at
 * once (the condition went away: a projection active again). Timers are unref'd: they never keep a
 * process alive, and `flush()` writes what is pending on shutdown.
 */
export class RepeatCollapser {
  private readonly runs = new Map<string, Run>();
  private readonly intervalMs: number;

  constructor(
    private readonly logger: Pick<Logger, RepeatLevel>,
    options: RepeatCollapserOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? REPEAT_INTERVAL_MS;
  }

  /**
   * `full`: the fields of the first occurrence (a stack, say); `brief`: what each summary line carries
   * (no stack: the first line had it). `tally` (optional): a value counted per summary, e.g. the route.
   * Returns true when this occurrence was written, false when it was counted.
   */
  log(
    level: RepeatLevel,
    key: string,
    msg: string,
    full: Record<string, unknown> = {},
    brief: Record<string, unknown> = {},
    tally?: string,
  ): boolean {
    const run = this.runs.get(key);
    if (run) {
      run.repeats++;
      if (tally !== undefined) run.tally.set(tally, (run.tally.get(tally) ?? 0) + 1);
      return false;
    }
    this.logger[level](full, msg);
    const started: Run = {
      level,
      msg,
      fields: brief,
      startedAt: Date.now(),
      repeats: 0,
      tally: new Map(),
      timer: this.schedule(key),
    };
    this.runs.set(key, started);
    return true;
  }

  /** The condition behind `key` is over: its pending count is written now and its next occurrence is written in full. */
  end(key: string): void {
    const run = this.runs.get(key);
    if (!run) return;
    clearTimeout(run.timer);
    this.runs.delete(key);
    this.summarise(run);
  }

  /** Ends every run (shutdown), writing what is pending. */
  flush(): void {
    for (const key of [...this.runs.keys()]) this.end(key);
  }

  private schedule(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.tick(key), this.intervalMs);
    timer.unref?.();
    return timer;
  }

  private tick(key: string): void {
    const run = this.runs.get(key);
    if (!run) return;
    if (run.repeats === 0) {
      this.runs.delete(key); // a quiet interval: the run is over
      return;
    }
    this.summarise(run);
    run.repeats = 0;
    run.tally = new Map();
    run.timer = this.schedule(key);
  }

  private summarise(run: Run): void {
    if (run.repeats === 0) return;
    const tally = run.tally.size > 0 ? { by: Object.fromEntries([...run.tally].slice(0, 20)) } : {};
    this.logger[run.level](
      { ...run.fields, ...tally, repeated: run.repeats, since: new Date(run.startedAt).toISOString() },
      `${run.repeats} more like this: ${run.msg}`,
    );
  }
}
