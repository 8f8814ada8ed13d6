import { formatMinor } from '@ledger/payments-domain';
import type { JournalEntryView } from './journal.query';

/** The journal's CSV columns, one row per line (an accountant's import: date, entry, account, debit, credit, currency, payment, memo). */
export const JOURNAL_CSV_COLUMNS = ['date', 'entry', 'account', 'debit', 'credit', 'currency', 'payment', 'memo'] as const;

const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * CSV rows of some entries: `date` is the effective date (UTC, YYYY-MM-DD); `debit` / `credit` in major units with
 * the currency's exponent and a decimal point (19.99 USD, 1999 JPY, 1.999 KWD), the other side empty; `memo` the
 * posting rule, with "late, occurred <date>" for a late entry.
 */
export function journalCsvRows(entries: readonly JournalEntryView[]): string[] {
  return entries.flatMap((e) =>
    e.lines.map((l) =>
      [
        e.effectiveAt.slice(0, 10),
        e.entryId,
        l.account,
        l.debit > 0 ? formatMinor(l.debit, l.currency) : '',
        l.credit > 0 ? formatMinor(l.credit, l.currency) : '',
        l.currency,
        e.paymentId ?? '',
        e.late ? `${e.memo} (late, occurred ${e.occurredAt.slice(0, 10)})` : e.memo,
      ]
        .map(cell)
        .join(','),
    ),
  );
}

export const journalCsvHeader = (): string => JOURNAL_CSV_COLUMNS.join(',');
