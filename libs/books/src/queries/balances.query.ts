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
  /** Effective (economic) time: entries dated at or before it. */
  readonly asOf: Date;
  /** What the books showed then: entries recorded at or before it. */
  readonly knownAt: Date;
  readonly currency?: string;
}

const startOfDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/**
 * Balances per account and currency on both clocks. The whole days before the asked ones come from
 * `books.movements` (one row per account, currency, effective day and recorded day); only the journal lines of
 * the asked effective day and the asked recorded day are read (two one-day index ranges), never the whole journal.
 */
export async function queryBalances(db: Pick<Pool, 'query'>, query: BalancesQuery, schema = BOOKS_SCHEMA): Promise<BalanceRow[]> {
  const dayA = startOfDay(query.asOf);
  const dayK = startOfDay(query.knownAt);
  const { rows } = await db.query<{ account: string; currency: string; debits: string; credits: string }>(
    `SELECT account, currency, sum(d)::text AS debits, sum(c)::text AS credits FROM (
       SELECT account, currency, debits AS d, credits AS c FROM ${tableIn(schema, 'movements')}
        WHERE effective_day < $1::date AND recorded_day < $2::date AND ($5::text IS NULL OR currency = $5)
       UNION ALL
       SELECT account, currency, debit, credit FROM ${tableIn(schema, 'journal_lines')}
        WHERE ((effective_at >= $1 AND effective_at <= $3) OR (recorded_at >= $2 AND recorded_at <= $4))
          AND effective_at <= $3 AND recorded_at <= $4 AND ($5::text IS NULL OR currency = $5)
     ) AS parts
     GROUP BY account, currency ORDER BY account, currency`,
    [dayA.toISOString(), dayK.toISOString(), query.asOf.toISOString(), query.knownAt.toISOString(), query.currency ?? null],
  );
  return rows.map((r) => {
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
  });
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
  return { asOf: query.asOf.toISOString(), currencies, accounts };
}
