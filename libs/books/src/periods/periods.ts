import { comparePositions, type Position } from '@ledger/event-store';

/** Periods are calendar months in UTC, named `YYYY-MM`. */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

export function periodOf(at: Date): Period {
  return at.toISOString().slice(0, 7);
}

export function periodStart(period: Period): Date {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`not a period (YYYY-MM): ${JSON.stringify(period)}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

export function nextPeriod(period: Period): Period {
  const start = periodStart(period);
  return periodOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
}

/** A close as the journal needs it: the period, and the last position its balances cover. */
export interface KnownClose {
  readonly period: Period;
  readonly covered: Position;
}

export interface Effective {
  readonly effectiveAt: Date;
  readonly period: Period;
  readonly late: boolean;
}

/**
 * Where an event lands in the books. Closes are made in order (a close is refused while an earlier period with
 * entries is open), so a period is closed, for an event at `position`, when it is at or before the latest period
 * whose close covers a position before it. An event dated in a closed period takes the start of the first open
 * period, `late`; its `occurredAt` is kept on the entry. Decided on stored facts only, so a rebuild gives the same.
 */
export function effectiveDate(
  occurredAt: Date,
  position: Position,
  closes: readonly KnownClose[],
  /** occurredAt.toISOString(), when the caller has rendered it already. */
  occurredIso = occurredAt.toISOString(),
): Effective {
  let latest: Period | undefined;
  for (const close of closes) {
    if (comparePositions(close.covered, position) < 0 && (latest === undefined || close.period > latest)) latest = close.period;
  }
  const period = occurredIso.slice(0, 7);
  if (latest === undefined || period > latest) return { effectiveAt: occurredAt, period, late: false };
  const open = nextPeriod(latest);
  return { effectiveAt: periodStart(open), period: open, late: true };
}
