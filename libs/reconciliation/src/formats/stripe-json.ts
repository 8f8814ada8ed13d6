import { ReportFormatError, providerToMinor, reportCurrency } from './major-to-minor';
import type { ReportedLine, ReportedPayout } from './reported-line';
import type { ReportItem } from './stripe-csv';

/**
 * Stripe's balance transactions of one payout as `GET /v1/balance_transactions?payout=po_…` lists them
 * (docs.stripe.com/api/balance_transactions/list, object docs.stripe.com/api/balance_transactions/object): one list
 * page `{ object: 'list', data, has_more, url }` or an array of pages. Amounts are integers in Stripe's units of
 * `currency` (docs.stripe.com/currencies), converted exactly to ISO minor units. The payout is named by its own
 * balance transaction (`type: 'payout'`, `source: 'po_…'`, negative amount), which Stripe lists with the others.
 * `source` may be expanded (`expand[]=data.source`): a charge then gives its intent, its metadata and, for a
 * line settled in another currency (`exchange_rate` set), the customer-facing amount and currency.
 */
export function parseStripeBalanceTransactions(body: unknown): ReportItem[] {
  const pages = Array.isArray(body) ? body : [body];
  const transactions = pages.flatMap((page, i) => {
    const p = page as { object?: unknown; data?: unknown };
    if (!p || p.object !== 'list' || !Array.isArray(p.data)) throw new ReportFormatError(`page ${i + 1} is not a Stripe list object`);
    return p.data as Record<string, unknown>[];
  });
  const own = transactions.find((t) => t.type === 'payout' || t.reporting_category === 'payout');
  const payoutId = own ? sourceId(own.source) : undefined;
  if (!own || !payoutId)
    throw new ReportFormatError('no payout balance transaction: list them with GET /v1/balance_transactions?payout=po_…');
  const currency = reportCurrency(own.currency);
  const payout: ReportedPayout = {
    provider: 'stripe',
    payoutId,
    currency,
    amount: -providerToMinor('stripe', currency, own.amount, 'amount'),
    effectiveAt: unix(own.available_on ?? own.created),
  };
  return transactions.map((t) => ({ payout, line: stripeTransaction(t, payoutId) }));
}

function stripeTransaction(t: Record<string, unknown>, payoutId: string): ReportedLine {
  if (t.object !== 'balance_transaction' || typeof t.id !== 'string') throw new ReportFormatError('an item is not a balance_transaction');
  const currency = reportCurrency(t.currency);
  const source = typeof t.source === 'object' && t.source !== null ? (t.source as Record<string, unknown>) : undefined;
  const charge = source?.object === 'charge' ? source : undefined;
  const intent = typeof charge?.payment_intent === 'string' ? charge.payment_intent : undefined;
  const metadata = (charge?.metadata ?? {}) as Record<string, unknown>;
  const exchangeRate = t.exchange_rate === null || t.exchange_rate === undefined ? undefined : String(t.exchange_rate);
  const faceCurrency = exchangeRate && charge ? reportCurrency(charge.currency, 'source.currency') : undefined;
  const line: ReportedLine = {
    lineId: t.id,
    payoutId,
    category: String(t.reporting_category ?? t.type),
    currency,
    gross: providerToMinor('stripe', currency, t.amount, `${t.id}.amount`),
    fee: providerToMinor('stripe', currency, t.fee, `${t.id}.fee`),
    net: providerToMinor('stripe', currency, t.net, `${t.id}.net`),
    ...(sourceId(t.source) ? { sourceId: sourceId(t.source) } : {}),
    ...(charge ? { chargeId: charge.id as string } : {}),
    ...(intent ? { paymentIntentId: intent } : {}),
    ...(typeof metadata.paymentId === 'string' ? { paymentId: metadata.paymentId } : {}),
    ...(faceCurrency
      ? {
          customerFacingAmount: providerToMinor('stripe', faceCurrency, charge?.amount, 'source.amount'),
          customerFacingCurrency: faceCurrency,
        }
      : {}),
    ...(exchangeRate ? { exchangeRate } : {}),
    createdAt: unix(t.created),
  };
  return line;
}

function sourceId(source: unknown): string | undefined {
  if (typeof source === 'string') return source;
  if (typeof source === 'object' && source !== null && typeof (source as { id?: unknown }).id === 'string')
    return (source as { id: string }).id;
  return undefined;
}

function unix(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds)) throw new ReportFormatError('a time is not Unix seconds');
  return new Date(seconds * 1000).toISOString();
}
