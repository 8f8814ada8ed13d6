import { isKnownCurrency } from '@ledger/payments-domain';

/** A query parameter the books cannot read: the API answers 400 `validation_failed`, the CLI exits 2, never a 500. */
export class BooksQueryError extends Error {
  readonly code = 'validation_failed';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A moment: an ISO 8601 instant with its offset (`2026-11-15T12:00:00Z`), or a UTC date (`2026-11-15`), which means
 * the end of that day: "what did the books show on the 15th" includes the 15th. Absent: `fallback` (now).
 */
export function parseMoment(value: unknown, field: string, fallback: Date): Date {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string') throw new BooksQueryError(field, 'expected one ISO 8601 date or instant');
  const dateOnly = DATE_ONLY.test(value);
  if (!dateOnly && !INSTANT.test(value))
    throw new BooksQueryError(field, `not an ISO 8601 date or instant with its offset: ${JSON.stringify(value.slice(0, 40))}`);
  const at = new Date(dateOnly ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(at.getTime()) || (dateOnly && at.toISOString().slice(0, 10) !== value))
    throw new BooksQueryError(field, `no such date: ${JSON.stringify(value)}`);
  return dateOnly ? new Date(at.getTime() + 86_400_000 - 1) : at;
}

/** A moment, or undefined when not given. */
export function parseOptionalMoment(value: unknown, field: string): Date | undefined {
  return value === undefined || value === '' ? undefined : parseMoment(value, field, new Date(0));
}

/** The start of a range: a UTC date means its first instant. */
export function parseRangeStart(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const end = parseMoment(value, field, new Date());
  return typeof value === 'string' && DATE_ONLY.test(value) ? new Date(end.getTime() - 86_400_000 + 1) : end;
}

export function parseCurrency(value: unknown, field = 'currency'): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !isKnownCurrency(value))
    throw new BooksQueryError(field, `not an ISO 4217 currency the ledger knows: ${JSON.stringify(String(value).slice(0, 10))}`);
  return value;
}

const ACCOUNT = /^[a-z_]+(:[a-z_]+){0,2}$/;

export function parseAccount(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !ACCOUNT.test(value))
    throw new BooksQueryError('account', 'not an account name (e.g. provider:stripe, revenue:sales)');
  return value;
}
