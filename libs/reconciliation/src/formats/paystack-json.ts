import { ReportFormatError, providerToMinor, reportCurrency } from './major-to-minor';
import type { ReportedLine, ReportedPayout } from './reported-line';
import type { ReportItem } from './stripe-csv';

/**
 * Paystack's settlements (paystack.com/docs/api/settlement): a settlement as `GET /settlement` lists it (`id`,
 * `status`, `currency`, `total_amount`, `effective_amount`, `total_fees`, `total_processed`, `deductions`,
 * `settlement_date`) and its transactions as `GET /settlement/:id/transactions` returns them, one or several pages of
 * `{ status, message, data: [ { id, reference, amount, fees, currency, paid_at, … } ], meta }`; amounts in subunits.
 * The transactions carry no settlement id, so the file pairs them: `{ settlement, transactions: page | page[] }`, or
 * an array of such pairs. Each transaction is a `charge` line (gross `amount`, fee `fees`, net the difference); a
 * settlement's `deductions` (refunds and chargebacks Paystack took from it) are one `other_adjustment` line.
 */
export function parsePaystackSettlements(body: unknown): ReportItem[] {
  const pairs = Array.isArray(body) ? body : [body];
  return pairs.flatMap((pair, i) => {
    const p = pair as { settlement?: Record<string, unknown>; transactions?: unknown };
    if (!p?.settlement || p.transactions === undefined) throw new ReportFormatError(`item ${i + 1} is not { settlement, transactions }`);
    return settlementItems(p.settlement, p.transactions);
  });
}

function settlementItems(s: Record<string, unknown>, transactions: unknown): ReportItem[] {
  if (s.id === undefined || s.id === null) throw new ReportFormatError('a settlement has no id');
  const payoutId = String(s.id);
  const currency = reportCurrency(s.currency);
  const deductions =
    s.deductions === undefined || s.deductions === null ? 0 : providerToMinor('paystack', currency, s.deductions, 'deductions');
  const payout: ReportedPayout = {
    provider: 'paystack',
    payoutId,
    currency,
    amount: providerToMinor('paystack', currency, s.effective_amount ?? s.total_amount, 'effective_amount'),
    effectiveAt: time(s.settlement_date),
    ...(typeof s.status === 'string' ? { status: s.status } : {}),
  };
  const pages = Array.isArray(transactions) ? transactions : [transactions];
  const items: ReportItem[] = pages.flatMap((page) => {
    const data = (page as { status?: unknown; data?: unknown }).data;
    if ((page as { status?: unknown }).status !== true || !Array.isArray(data))
      throw new ReportFormatError('a page is not a Paystack response');
    return (data as Record<string, unknown>[]).map((t) => ({ payout, line: paystackTransaction(t, payoutId) }));
  });
  if (deductions !== 0) {
    items.push({
      payout,
      line: {
        lineId: `settlement-${payoutId}-deductions`,
        payoutId,
        category: 'other_adjustment',
        currency,
        gross: -deductions,
        fee: 0,
        net: -deductions,
        createdAt: payout.effectiveAt,
      },
    });
  }
  return items;
}

function paystackTransaction(t: Record<string, unknown>, payoutId: string): ReportedLine {
  if (t.id === undefined || typeof t.reference !== 'string') throw new ReportFormatError('a transaction has no id or reference');
  const currency = reportCurrency(t.currency);
  const gross = providerToMinor('paystack', currency, t.amount, `${String(t.id)}.amount`);
  const fee = providerToMinor('paystack', currency, t.fees ?? 0, `${String(t.id)}.fees`);
  const metadata = (typeof t.metadata === 'object' && t.metadata !== null ? t.metadata : {}) as Record<string, unknown>;
  return {
    lineId: String(t.id),
    payoutId,
    category: 'charge',
    currency,
    gross,
    fee,
    net: gross - fee,
    sourceId: t.reference,
    ...(typeof metadata.paymentId === 'string' ? { paymentId: metadata.paymentId } : {}),
    createdAt: time(t.paid_at ?? t.created_at ?? t.createdAt),
  };
}

function time(value: unknown): string {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw new ReportFormatError(`time "${String(value)}" is not an ISO time`);
  return new Date(at).toISOString();
}
