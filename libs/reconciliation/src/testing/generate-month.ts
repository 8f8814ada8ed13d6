import { currencyExponent, type Provider } from '@ledger/payments-domain';
import type { BreakKind } from '../breaks/break-kinds';
import type { PayoutStatusReported } from '../events/payout-events';

/**
 * A generated month of payments and the providers' reports of it (issue 32's "done when"): both providers, Stripe in
 * USD, JPY and KWD (and EUR charges settled in USD through FX), Paystack in NGN; refunds (some failing), disputes won
 * and lost with dispute fees, partial captures, fee lines, a payout that fails after being paid; and `planted` breaks
 * of each kind. Deterministic for a seed. Stripe USD payouts come as the itemized CSV (their amounts from payout
 * webhooks), JPY and KWD as paged balance-transaction JSON, Paystack as settlements JSON.
 */
export interface GeneratedMonth {
  readonly paymentEvents: GeneratedEvent[];
  readonly stripeCsv: string;
  readonly stripeJsonFiles: unknown[][];
  readonly paystackJson: unknown[];
  readonly payoutStatusEvents: GeneratedEvent[];
  /** Per kind, the ids the break names: line id (line kinds), payment id (missing), payout id (sum). */
  readonly planted: Readonly<Record<BreakKind, string[]>>;
  /** Per `provider|currency`: Σ |gross| reported and Σ |gross| of lines that must match. */
  readonly volumes: ReadonlyMap<string, { reported: bigint; matched: bigint }>;
  readonly lineCount: number;
}

interface GeneratedEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly occurredAt: string;
}

interface Line {
  id: string;
  category: string;
  currency: string;
  gross: number;
  fee: number;
  at: number;
  source?: string;
  charge?: string;
  intent?: string;
  paymentId?: string;
  face?: { amount: number; currency: string };
  planted?: boolean;
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1);
const DAYS = 31;

export function generateMonth(options: {
  payments: number;
  plantedPerKind: number;
  seed?: number;
  /** Every payment a Stripe USD one: the whole month in one itemized CSV (the benchmark's single report). */
  stripeUsdOnly?: boolean;
}): GeneratedMonth {
  const random = mulberry32(options.seed ?? 32);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const events: GeneratedEvent[] = [];
  const lines = new Map<string, Line[]>(); // payout key -> lines
  const planted: Record<BreakKind, string[]> = {
    unknown_to_ledger: [],
    amount_mismatch: [],
    currency_mismatch: [],
    missing_from_payout: [],
    payout_sum_mismatch: [],
    duplicate_line: [],
  };
  const k = options.plantedPerKind;
  const payoutKey = (provider: Provider, currency: string, at: number) => `${provider}|${currency}|${Math.floor((at - START) / DAY) + 1}`;
  const put = (provider: Provider, line: Line) => {
    const day = Math.floor((line.at - START) / DAY) + 1;
    if (day > DAYS) return;
    const key = payoutKey(provider, line.currency, line.at);
    lines.set(key, [...(lines.get(key) ?? []), line]);
  };
  const emit = (id: string, type: string, at: number, data: Record<string, unknown>) =>
    events.push({ streamId: `payment-${id}`, type, data: { paymentId: id, ...data }, occurredAt: iso(at) });

  for (let n = 1; n <= options.payments; n += 1) {
    const pick = options.stripeUsdOnly ? 0 : n % 20;
    const [provider, currency, settle]: [Provider, string, string] =
      pick < 8
        ? ['stripe', 'USD', 'USD']
        : pick < 10
          ? ['stripe', 'EUR', 'USD']
          : pick < 13
            ? ['stripe', 'JPY', 'JPY']
            : pick < 15
              ? ['stripe', 'KWD', 'KWD']
              : ['paystack', 'NGN', 'NGN'];
    const id = `pay_${n}`;
    const plantedKind = plantFor(n, k);
    const drawn = START + Math.floor(random() * DAYS * DAY);
    // A payment planted as missing succeeds in the first 20 days, so a later payout beyond its window is imported.
    const at = plantedKind === 'missing_from_payout' ? START + (Math.floor(n / 20) % 20) * DAY + 3_600_000 : drawn;
    const amount = amountIn(currency, int);
    const partial = provider === 'stripe' && currency !== 'EUR' && n % 50 === 7;
    const authorized = partial ? amount + 250 : amount;
    const intent = provider === 'stripe' ? `pi_${n}` : `ref_${n}`;
    emit(id, 'PaymentCreated', at, { provider, amount: authorized, currency, createdAt: iso(at) });
    emit(id, 'PaymentSucceeded', at + 3000, {
      amount,
      currency,
      providerPaymentId: intent,
      ...(provider === 'stripe' ? { providerChargeId: `ch_${n}` } : {}),
      ...(partial ? { authorizedAmount: authorized } : {}),
      succeededAt: iso(at + 3000),
    });
    if (plantedKind === 'missing_from_payout') {
      planted.missing_from_payout.push(id);
      continue;
    }
    const fx = currency !== settle;
    const gross = fx ? Math.floor((authorized * 108) / 100) : authorized;
    const charge: Line = {
      id: provider === 'stripe' ? `txn_ch_${n}` : String(700_000_000 + n),
      category: 'charge',
      currency: settle,
      gross,
      fee: feeOf(provider, settle, gross),
      at: at + 3000,
      source: provider === 'stripe' ? `ch_${n}` : intent,
      ...(provider === 'stripe' ? { charge: `ch_${n}`, intent } : {}),
      ...(n % 3 === 0 && provider === 'stripe' ? { paymentId: id } : {}),
      ...(fx ? { face: { amount: authorized, currency } } : {}),
    };
    if (plantedKind === 'amount_mismatch') {
      charge.gross += 7;
      charge.planted = true;
      planted.amount_mismatch.push(charge.id);
    } else if (plantedKind === 'currency_mismatch') {
      charge.currency = 'USD';
      charge.planted = true;
      planted.currency_mismatch.push(charge.id);
    }
    put(provider, charge);
    if (plantedKind === 'duplicate_line') {
      put(provider, { ...charge, planted: true });
      planted.duplicate_line.push(charge.id);
    }
    if (plantedKind || provider !== 'stripe' || fx) continue;
    if (partial)
      put(provider, {
        id: `txn_pcr_${n}`,
        category: 'partial_capture_reversal',
        currency,
        gross: amount - authorized,
        fee: 0,
        at: at + 4000,
        source: `ch_${n}`,
        charge: `ch_${n}`,
      });
    if (n % 20 === 3) {
      const refunded = Math.max(1, Math.floor(amount / 2));
      const rat = at + 2 * DAY;
      emit(id, 'PaymentRefunded', rat, {
        refundId: `r_${n}`,
        providerRefundId: `re_${n}`,
        amount: refunded,
        currency,
        totalRefunded: refunded,
        refundedAt: iso(rat),
      });
      put(provider, { id: `txn_re_${n}`, category: 'refund', currency, gross: -refunded, fee: 0, at: rat, source: `re_${n}` });
      if (n % 100 === 3) {
        const fat = rat + DAY;
        emit(id, 'PaymentRefundReversed', fat, {
          refundId: `r_${n}`,
          providerRefundId: `re_${n}`,
          amount: refunded,
          counted: refunded,
          currency,
          totalRefunded: 0,
          reversedAt: iso(fat),
        });
        put(provider, { id: `txn_rf_${n}`, category: 'refund_failure', currency, gross: refunded, fee: 0, at: fat, source: `re_${n}` });
      }
    } else if (n % 100 === 11) {
      const dat = at + 3 * DAY;
      const fee = currency === 'JPY' ? 1500 : currency === 'KWD' ? 5000 : 1500;
      emit(id, 'PaymentDisputed', dat, {
        disputeId: `d_${n}`,
        providerDisputeId: `dp_${n}`,
        reason: 'fraudulent',
        amount,
        currency,
        disputedAt: iso(dat),
      });
      put(provider, { id: `txn_dp_${n}`, category: 'dispute', currency, gross: -amount, fee, at: dat, source: `dp_${n}` });
      const won = n % 200 === 11;
      const cat = dat + 10 * DAY;
      emit(id, 'PaymentDisputeClosed', cat, { disputeId: `d_${n}`, outcome: won ? 'won' : 'lost', amount, currency, closedAt: iso(cat) });
      if (won)
        put(provider, { id: `txn_dr_${n}`, category: 'dispute_reversal', currency, gross: amount, fee: -fee, at: cat, source: `dp_${n}` });
    }
  }
  for (let i = 1; i <= k; i += 1) {
    const provider: Provider = i % 2 === 0 ? 'paystack' : 'stripe';
    const currency = provider === 'stripe' ? 'USD' : 'NGN';
    const id = provider === 'stripe' ? `txn_ghost_${i}` : String(800_000_000 + i);
    const gross = amountIn(currency, int);
    put(provider, {
      id,
      category: 'charge',
      currency,
      gross,
      fee: feeOf(provider, currency, gross),
      at: START + ((i * 7) % 28) * DAY + 3600_000,
      source: provider === 'stripe' ? `ch_ghost_${i}` : `ref_ghost_${i}`,
      planted: true,
    });
    planted.unknown_to_ledger.push(id);
  }
  for (let day = 1; day <= DAYS; day += 1) {
    for (const currency of ['USD', 'JPY', 'KWD'])
      put('stripe', {
        id: `txn_fee_${currency}_${day}`,
        category: 'fee',
        currency,
        gross: -feeLine(currency),
        fee: 0,
        at: START + (day - 1) * DAY + 60_000,
      });
  }
  return render(events, lines, planted, k);
}

function render(events: GeneratedEvent[], lines: Map<string, Line[]>, planted: Record<BreakKind, string[]>, k: number): GeneratedMonth {
  const csv: string[] = [CSV_HEADER];
  const stripeJsonFiles: unknown[][] = [];
  const paystackJson: unknown[] = [];
  const payoutStatusEvents: GeneratedEvent[] = [];
  const volumes = new Map<string, { reported: bigint; matched: bigint }>();
  let lineCount = 0;
  let sumPlanted = 0;
  const keys = [...lines.keys()].sort((a, b) => {
    const [pa, ca, da] = a.split('|');
    const [pb, cb, db] = b.split('|');
    return pa !== pb ? (pa < pb ? -1 : 1) : ca !== cb ? (ca < cb ? -1 : 1) : Number(da) - Number(db);
  });
  for (const key of keys) {
    const [provider, currency, dayText] = key.split('|') as [Provider, string, string];
    const day = Number(dayText);
    const items = lines.get(key) ?? [];
    let net = 0;
    for (const l of items) {
      net += l.gross - l.fee;
      const v = volumes.get(`${provider}|${l.currency}`) ?? { reported: 0n, matched: 0n };
      v.reported += BigInt(Math.abs(l.gross));
      if (!l.planted) v.matched += BigInt(Math.abs(l.gross));
      volumes.set(`${provider}|${l.currency}`, v);
    }
    lineCount += items.length;
    const plantSum = sumPlanted < k && day % 2 === 0 && (provider === 'paystack' || day <= 30);
    const payoutId = provider === 'stripe' ? `po_${currency.toLowerCase()}_${day}` : String(9_000_000 + day);
    if (plantSum) {
      sumPlanted += 1;
      planted.payout_sum_mismatch.push(payoutId);
    }
    const amount = net + (plantSum ? 1 : 0);
    if (provider === 'paystack') {
      const effective = START + day * DAY + 12 * 3600_000;
      const data = items.map((l) => ({
        id: Number(l.id),
        reference: l.source,
        amount: l.gross,
        fees: l.fee,
        currency,
        status: 'success',
        paid_at: iso(l.at),
        channel: 'card',
      }));
      paystackJson.push({
        settlement: {
          id: Number(payoutId),
          status: 'success',
          currency,
          total_amount: amount,
          effective_amount: amount,
          total_fees: items.reduce((s, l) => s + l.fee, 0),
          total_processed: items.reduce((s, l) => s + l.gross, 0),
          deductions: 0,
          settlement_date: iso(effective),
        },
        transactions: pages(data).map((page, i, all) => ({
          status: true,
          message: 'Settlement transactions retrieved',
          data: page,
          meta: { total: data.length, skipped: i * PAGE, perPage: PAGE, page: i + 1, pageCount: all.length },
        })),
      });
      continue;
    }
    const effective = START + (day + 1) * DAY;
    if (currency === 'USD') {
      for (const l of items) csv.push(csvRow(payoutId, effective, l));
      payoutStatusEvents.push(status(payoutId, 'paid', amount, currency, effective));
      if (day === 15) payoutStatusEvents.push(status(payoutId, 'failed', amount, currency, effective + DAY));
      continue;
    }
    const data = items.map((l) => ({
      id: l.id,
      object: 'balance_transaction',
      amount: stripeUnits(l.gross),
      available_on: Math.floor(effective / 1000),
      created: Math.floor(l.at / 1000),
      currency: currency.toLowerCase(),
      exchange_rate: null,
      fee: stripeUnits(l.fee),
      fee_details:
        l.fee === 0
          ? []
          : [
              {
                amount: stripeUnits(l.fee),
                application: null,
                currency: currency.toLowerCase(),
                description: 'Stripe processing fees',
                type: 'stripe_fee',
              },
            ],
      net: stripeUnits(l.gross - l.fee),
      reporting_category: l.category,
      source: l.source ?? null,
      status: 'available',
      type:
        l.category === 'dispute' || l.category === 'dispute_reversal'
          ? 'adjustment'
          : l.category === 'fee'
            ? 'stripe_fee'
            : l.category === 'partial_capture_reversal'
              ? 'payment_refund'
              : l.category,
    }));
    data.push({
      id: `txn_${payoutId}`,
      object: 'balance_transaction',
      amount: stripeUnits(-amount),
      available_on: Math.floor(effective / 1000),
      created: Math.floor(effective / 1000),
      currency: currency.toLowerCase(),
      exchange_rate: null,
      fee: 0,
      fee_details: [],
      net: stripeUnits(-amount),
      reporting_category: 'payout',
      source: payoutId,
      status: 'available',
      type: 'payout',
    });
    stripeJsonFiles.push(
      pages(data).map((page, i, all) => ({ object: 'list', data: page, has_more: i < all.length - 1, url: '/v1/balance_transactions' })),
    );
    lineCount += 1;
  }
  return {
    paymentEvents: events,
    stripeCsv: csv.join('\n') + '\n',
    stripeJsonFiles,
    paystackJson,
    payoutStatusEvents,
    planted,
    volumes,
    lineCount,
  };
}

const PAGE = 100;
function pages<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += PAGE) out.push(items.slice(i, i + PAGE));
  return out.length > 0 ? out : [[]];
}

const CSV_HEADER =
  'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_facing_amount,customer_facing_currency,charge_id,payment_intent_id,payment_metadata[paymentId]';

function csvRow(payoutId: string, effective: number, l: Line): string {
  const when = (t: number) => iso(t).replace('T', ' ').slice(0, 19);
  return [
    payoutId,
    when(effective),
    l.id,
    when(l.at),
    when(effective),
    l.currency.toLowerCase(),
    major(l.gross, l.currency),
    major(l.fee, l.currency),
    major(l.gross - l.fee, l.currency),
    l.category,
    l.source ?? '',
    '"Generated, for the month"',
    l.face ? major(l.face.amount, l.face.currency) : '',
    l.face ? l.face.currency.toLowerCase() : '',
    l.charge ?? '',
    l.intent ?? '',
    l.paymentId ?? '',
  ].join(',');
}

/** Minor units as the report writes them: a decimal in major units, exactly. */
export function major(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** USD, JPY and KWD: Stripe's units are ISO's (docs.stripe.com/currencies: KWD three-decimal, JPY zero-decimal). */
function stripeUnits(minor: number): number {
  return minor;
}

function status(payoutId: string, s: 'paid' | 'failed', amount: number, currency: string, at: number): GeneratedEvent {
  const data: PayoutStatusReported['data'] = {
    provider: 'stripe',
    payoutId,
    status: s,
    amount,
    currency,
    arrivalDate: iso(at),
    providerEventId: `evt_${payoutId}_${s}`,
    reportedAt: iso(at),
  };
  return {
    streamId: `payout-stripe-${payoutId}`,
    type: 'PayoutStatusReported',
    data: data,
    occurredAt: iso(at),
  };
}

function plantFor(n: number, k: number): BreakKind | undefined {
  // Early in the numbering, away from the refund/dispute/partial-capture residues, Stripe USD or JPY as each needs.
  const slot = Math.floor(n / 20);
  if (n % 20 === 1 && slot < k) return 'amount_mismatch';
  if (n % 20 === 10 && slot < k) return 'currency_mismatch';
  if (n % 20 === 2 && slot < k) return 'duplicate_line';
  if (n % 20 === 15 && slot < k) return 'missing_from_payout';
  return undefined;
}

function amountIn(currency: string, int: (a: number, b: number) => number): number {
  if (currency === 'JPY') return int(100, 50_000);
  if (currency === 'KWD') return int(100, 10_000) * 10;
  if (currency === 'NGN') return int(10_000, 5_000_000);
  return int(500, 50_000);
}

function feeOf(provider: Provider, currency: string, gross: number): number {
  if (provider === 'paystack') return Math.min(Math.floor((gross * 15) / 1000) + 10_000, 200_000);
  if (currency === 'JPY') return Math.floor((gross * 36) / 1000);
  return Math.floor((gross * 29) / 1000) + (currency === 'KWD' ? 100 : 30);
}

function feeLine(currency: string): number {
  return currency === 'JPY' ? 200 : currency === 'KWD' ? 500 : 200;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
