import { ApiError, type Api } from '../api';
import { h, section, table } from '../dom';
import { amount } from '../format';

/** GET /v1/books/balances: one row per account and currency (sums as decimal strings of minor units). */
interface BalanceRow {
  account: string;
  type: string;
  currency: string;
  debits: string;
  credits: string;
  balance: string;
}

/** The board asks often; the books are read again at most this often, or at once when the date changes. */
const BOOKS_EVERY_MS = 30_000;

/**
 * The Books panel: balances per account and currency as of the end of a chosen UTC day (none: now). It reads
 * `/v1/books/balances` with the signed-in key when its scopes allow (`books:read` or `admin`); a dashboard-only key
 * gets a line saying so and no request is made, and the rest of the board goes on.
 */
export class BooksPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { 'data-testid': 'books-body' });
  private readonly date = h('input', { type: 'date', id: 'books-as-of', 'aria-label': 'Balances as of (UTC date)' }) as HTMLInputElement;
  private lastRead = 0;
  private reading = false;

  constructor(
    private readonly api: Api,
    private readonly allowed: boolean,
  ) {
    this.date.addEventListener('change', () => void this.read(true));
    this.element = section(
      'books',
      'Books: balances per account',
      h(
        'label',
        { class: 'control', for: 'books-as-of' },
        'As of ',
        this.date,
        h('span', { class: 'muted' }, ' (end of the UTC day; empty: now)'),
      ),
      this.body,
    );
    if (allowed) void this.read(true);
    else {
      this.date.disabled = true;
      this.body.replaceChildren(
        h(
          'p',
          { class: 'muted', 'data-testid': 'books-unavailable' },
          'This key cannot read the books: sign in with a key holding books:read (or admin).',
        ),
      );
    }
  }

  /** The board refreshed: read again if the last read is old enough. */
  refresh(): void {
    if (this.allowed && Date.now() - this.lastRead >= BOOKS_EVERY_MS) void this.read(false);
  }

  private async read(force: boolean): Promise<void> {
    if (this.reading && !force) return;
    this.reading = true;
    this.lastRead = Date.now();
    try {
      const rows = (await this.api.get<BalanceRow[]>('/v1/books/balances', { asOf: this.date.value || undefined })).body;
      this.body.replaceChildren(
        table(
          'Balances per account and currency',
          ['Account', 'Balance'],
          // The amount says its currency; the account's type is its tooltip. Two columns fit the panel on a desktop.
          rows.map((r) => [h('code', { title: r.type }, r.account), amount(r.balance, r.currency)]),
          'books-balances',
          [1],
        ),
      );
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 403
          ? 'This key cannot read the books: sign in with a key holding books:read (or admin).'
          : `The books could not be read: ${(error as Error).message}`;
      this.body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'books-unavailable' }, text));
    } finally {
      this.reading = false;
    }
  }
}
