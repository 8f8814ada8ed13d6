import type { Pool } from 'pg';
import { accountType, balanceOf, type AccountType } from '../accounts';
import { BOOKS_SCHEMA } from '../projection/books-projection';
import { tableIn } from '../projection/sql';

export interface BalanceRow {
  readonly account: string;
  readonly type: AccountType;
  readonly currency: string;
  /** Sums as decimal strings of minor units. */
  readonly debits: string;
  readonly credits: string;
  readonly balance: string;
}

export interface BalancesQuery {
  /** Effective (economic) time: entries dated at or before it; absent: now. */
  readonly asOf?: Date;
  /** What the books showed then: entries recorded at or before it; absent: now. */
  readonly knownAt?: Date;
  readonly currency?: string;
  /** The moment the defaults mean. */
  readonly now: Date;
}

type Sum = { account: string; currency: string; debits: string; credits: string };

const startOfDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
const startOfHour = (at: Date) => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

/**
 * Balances per account and currency as of a moment, never summing the whole journal. On one clock (`asOf` alone, or
 * `knownAt` alone): the day rows of `books.clock_movements` before the moment's day, its hour rows of that day
 * before its hour, and the journal lines of that one hour. On both clocks together: the (effective day, recorded
 * day) rows of `books.movements` before both days, and the lines of the two days asked.
 */
export async function queryBalances(db: Pick<Pool, 'query'>, query: BalancesQuery, schema = BOOKS_SCHEMA): Promise<BalanceRow[]> {
  const sums =
    query.asOf && query.knownAt
      ? await bothClocks(db, query.asOf, query.knownAt, query.currency, schema)
      : await oneClock(db, query.knownAt ? 'recorded' : 'effective', query.knownAt ?? query.asOf ?? query.now, query, schema);
  return sums
    .map((r) => {
      const debits = BigInt(r.debits);
      const credits = BigInt(r.credits);
      return {
        account: r.account,
        type: accountType(r.account),
        currency: r.currency,
        debits: r.debits,
        credits: r.credits,
        balance: balanceOf(r.account, debits, credits).toString(),
      };
    })
    .filter((r) => r.debits !== '0' || r.credits !== '0');
}

async function oneClock(
  db: Pick<Pool, 'query'>,
  clock: 'effective' | 'recorded',
  at: Date,
  query: BalancesQuery,
  schema: string,
): Promise<Sum[]> {
  const column = clock === 'effective' ? 'effective_at' : 'recorded_at';
  // knownAt alone still means "effective by now": an entry dated in the future (a provider clock ahead) is taken out.
  const future = `UNION ALL SELECT account, currency, -debit, -credit FROM ${tableIn(schema, 'journal_lines')}
          WHERE $1 = 'recorded' AND effective_at > $5 AND recorded_at <= $4 AND ($6::text IS NULL OR currency = $6)`;
  const { rows } = await db.query<Sum>(
    `SELECT account, currency, sum(d)::text AS debits, sum(c)::text AS credits FROM (
       SELECT account, currency, debits AS d, credits AS c FROM ${tableIn(schema, 'clock_movements')}
        WHERE clock = $1 AND grain = 'day' AND bucket < $2 AND ($6::text IS NULL OR currency = $6)
       UNION ALL
       SELECT account, currency, debits, credits FROM ${tableIn(schema, 'clock_movements')}
        WHERE clock = $1 AND grain = 'hour' AND bucket >= $2 AND bucket < $3 AND ($6::text IS NULL OR currency = $6)
       UNION ALL
       SELECT account, currency, debit, credit FROM ${tableIn(schema, 'journal_lines')}
        WHERE ${column} >= $3 AND ${column} <= $4 AND ($6::text IS NULL OR currency = $6)
       ${future}
     ) AS parts
     GROUP BY account, currency ORDER BY account, currency`,
    [clock, startOfDay(at).toISOString(), startOfHour(at).toISOString(), at.toISOString(), query.now.toISOString(), query.currency ?? null],
  );
  return rows;
}

async function bothClocks(
  db: Pick<Pool, 'query'>,
  asOf: Date,
  knownAt: Date,
  currency: string | undefined,
  schema: string,
): Promise<Sum[]> {
  const { rows } = await db.query<Sum>(
    `SELECT account, currency, sum(d)::text AS debits, sum(c)::text AS credits FROM (
       SELECT account, currency, debits AS d, credits AS c FROM ${tableIn(schema, 'movements')}
        WHERE effective_day < $1::date AND recorded_day < $2::date AND ($5::text IS NULL OR currency = $5)
       UNION ALL
       SELECT account, currency, debit, credit FROM ${tableIn(schema, 'journal_lines')}
        WHERE ((effective_at >= $1 AND effective_at <= $3) OR (recorded_at >= $2 AND recorded_at <= $4))
          AND effective_at <= $3 AND recorded_at <= $4 AND ($5::text IS NULL OR currency = $5)
     ) AS parts
     GROUP BY account, currency ORDER BY account, currency`,
    [startOfDay(asOf).toISOString(), startOfDay(knownAt).toISOString(), asOf.toISOString(), knownAt.toISOString(), currency ?? null],
  );
  return rows;
}

export interface TrialBalance {
  readonly asOf: string;
  readonly currencies: { readonly currency: string; readonly debits: string; readonly credits: string; readonly difference: string }[];
  readonly accounts: BalanceRow[];
}

/** The trial balance: every account's balance, and per currency Σ debits, Σ credits and their difference (always 0). */
export async function queryTrialBalance(db: Pick<Pool, 'query'>, query: BalancesQuery, schema = BOOKS_SCHEMA): Promise<TrialBalance> {
  const accounts = await queryBalances(db, query, schema);
  const sums = new Map<string, { debits: bigint; credits: bigint }>();
  for (const row of accounts) {
    const sum = sums.get(row.currency) ?? { debits: 0n, credits: 0n };
    sum.debits += BigInt(row.debits);
    sum.credits += BigInt(row.credits);
    sums.set(row.currency, sum);
  }
  const currencies = [...sums].map(([currency, s]) => ({
    currency,
    debits: s.debits.toString(),
    credits: s.credits.toString(),
    difference: (s.debits - s.credits).toString(),
  }));
  return { asOf: (query.asOf ?? query.now).toISOString(), currencies, accounts };
}
