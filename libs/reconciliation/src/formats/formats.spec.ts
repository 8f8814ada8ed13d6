import { Readable } from 'node:stream';
import { majorToMinor, providerToMinor, ReportFormatError } from './major-to-minor';
import { parsePaystackSettlements } from './paystack-json';
import { parseStripeReportCsv, type ReportItem } from './stripe-csv';
import { parseStripeBalanceTransactions } from './stripe-json';

async function all(items: AsyncIterable<ReportItem>): Promise<ReportItem[]> {
  const out: ReportItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('Report amounts', () => {
  it('converts major units exactly by the currency exponent, never through a float', () => {
    expect(majorToMinor('19.99', 'USD')).toBe(1999);
    expect(majorToMinor('0.29', 'USD')).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(majorToMinor('-1.005', 'KWD')).toBe(-1005);
    expect(majorToMinor('1500', 'JPY')).toBe(1500);
    expect(majorToMinor('1500.00', 'JPY')).toBe(1500);
    expect(majorToMinor('12.3', 'KWD')).toBe(12300);
    expect(majorToMinor('-0.00', 'USD')).toBe(0);
  });

  it('refuses more decimals than the currency has, and anything not a decimal', () => {
    expect(() => majorToMinor('1.5', 'JPY')).toThrow(ReportFormatError);
    expect(() => majorToMinor('1.001', 'USD')).toThrow(ReportFormatError);
    expect(() => majorToMinor('1e3', 'USD')).toThrow(ReportFormatError);
    expect(() => majorToMinor('', 'USD')).toThrow(ReportFormatError);
  });

  it("reads a provider's signed integer units in ISO minor units (Stripe's ISK is two-decimal, ISO's zero)", () => {
    expect(providerToMinor('stripe', 'ISK', -50000, 'fee')).toBe(-500);
    expect(providerToMinor('stripe', 'KWD', 1235, 'fee')).toBe(1235);
    expect(providerToMinor('paystack', 'NGN', '10000', 'amount')).toBe(10000);
    expect(() => providerToMinor('stripe', 'ISK', 150, 'fee')).toThrow(ReportFormatError);
    expect(() => providerToMinor('stripe', 'USD', 1.5, 'fee')).toThrow(ReportFormatError);
  });
});

describe("Stripe's itemized payout reconciliation CSV", () => {
  const header =
    'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,customer_facing_amount,customer_facing_currency,charge_id,payment_intent_id,payment_metadata[paymentId]';

  it('reads every documented column, the optional ones when present, amounts exactly', async () => {
    const text = [
      header,
      'po_1,2026-03-03 00:00:00,txn_1,2026-03-01 10:00:00,usd,10.80,0.61,10.19,charge,ch_1,10.00,eur,ch_1,pi_1,pay_1',
      'po_1,2026-03-03 00:00:00,txn_2,2026-03-01 11:00:00,usd,-5.00,0.00,-5.00,refund,re_1,,,,,',
    ].join('\n');
    const items = await all(parseStripeReportCsv(Readable.from([text])));
    expect(items.map((i) => i.line)).toEqual([
      {
        lineId: 'txn_1',
        payoutId: 'po_1',
        category: 'charge',
        currency: 'USD',
        gross: 1080,
        fee: 61,
        net: 1019,
        sourceId: 'ch_1',
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        paymentId: 'pay_1',
        customerFacingAmount: 1000,
        customerFacingCurrency: 'EUR',
        createdAt: '2026-03-01T10:00:00.000Z',
      },
      {
        lineId: 'txn_2',
        payoutId: 'po_1',
        category: 'refund',
        currency: 'USD',
        gross: -500,
        fee: 0,
        net: -500,
        sourceId: 're_1',
        createdAt: '2026-03-01T11:00:00.000Z',
      },
    ]);
    expect(items[0].payout).toEqual({ provider: 'stripe', payoutId: 'po_1', currency: 'USD', effectiveAt: '2026-03-03T00:00:00.000Z' });
  });

  it('refuses a file without the report columns', async () => {
    await expect(all(parseStripeReportCsv(Readable.from(['id,amount\n1,2\n'])))).rejects.toThrow(/no column automatic_payout_id/);
  });

  it('reads the columns by name in any order, absent optional ones as absent, and cells trimmed', async () => {
    const text = [
      'reporting_category, net ,fee,gross,currency,created_utc,balance_transaction_id,automatic_payout_effective_at,automatic_payout_id,extra',
      'charge,9.41, 0.59 ,10.00,USD,2026-03-01 10:00:00, txn_9 ,2026-03-03 00:00:00,po_9,ignored',
    ].join('\n');
    const [item] = await all(parseStripeReportCsv(Readable.from([text])));
    expect(item.line).toEqual({
      lineId: 'txn_9',
      payoutId: 'po_9',
      category: 'charge',
      currency: 'USD',
      gross: 1000,
      fee: 59,
      net: 941,
      createdAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('reads report times as UTC, a leap day included, and refuses a date the calendar does not have', async () => {
    const at = (created: string) =>
      all(parseStripeReportCsv(Readable.from([`${header}\npo_1,2028-03-03 00:00:00,txn_1,${created},usd,1.00,0.00,1.00,fee,,,,,,`])));
    expect((await at('2028-02-29 23:59:59'))[0].line?.createdAt).toBe('2028-02-29T23:59:59.000Z');
    expect((await at('2026-12-31T00:00:00Z'))[0].line?.createdAt).toBe('2026-12-31T00:00:00.000Z');
    for (const bad of [
      '2026-02-29 00:00:00',
      '2026-04-31 00:00:00',
      '2026-13-01 00:00:00',
      '2026-03-01 24:00:00',
      '2026-02-30T00:00:00Z',
      'yesterday',
    ])
      await expect(at(bad)).rejects.toThrow(/is not a UTC time/);
  });
});

describe("Stripe's balance transactions list (JSON pages)", () => {
  const txn = (id: string, fields: Record<string, unknown>) => ({
    id,
    object: 'balance_transaction',
    available_on: 1772582400,
    created: 1772359200,
    currency: 'jpy',
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    status: 'available',
    ...fields,
  });

  it('reads the pages of one payout, named by its own payout transaction, and an expanded charge source', () => {
    const pages = [
      {
        object: 'list',
        has_more: true,
        url: '/v1/balance_transactions',
        data: [
          txn('txn_1', {
            amount: 1080,
            fee: 39,
            net: 1041,
            reporting_category: 'charge',
            type: 'charge',
            exchange_rate: 1.08,
            source: {
              id: 'ch_1',
              object: 'charge',
              amount: 1000,
              currency: 'usd',
              payment_intent: 'pi_1',
              metadata: { paymentId: 'pay_1' },
            },
          }),
        ],
      },
      {
        object: 'list',
        has_more: false,
        url: '/v1/balance_transactions',
        data: [txn('txn_po', { amount: -1041, net: -1041, reporting_category: 'payout', type: 'payout', source: 'po_9' })],
      },
    ];
    const items = parseStripeBalanceTransactions(pages);
    expect(items[0].payout).toEqual({
      provider: 'stripe',
      payoutId: 'po_9',
      currency: 'JPY',
      amount: 1041,
      effectiveAt: '2026-03-04T00:00:00.000Z',
    });
    expect(items[0].line).toEqual(
      expect.objectContaining({
        lineId: 'txn_1',
        gross: 1080,
        fee: 39,
        net: 1041,
        sourceId: 'ch_1',
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        paymentId: 'pay_1',
        customerFacingAmount: 1000,
        customerFacingCurrency: 'USD',
        exchangeRate: '1.08',
      }),
    );
    expect(items[1].line?.category).toBe('payout');
  });

  it('refuses a list without the payout it belongs to, and anything not a list', () => {
    expect(() => parseStripeBalanceTransactions({ object: 'list', data: [], has_more: false, url: '/' })).toThrow(
      /no payout balance transaction/,
    );
    expect(() => parseStripeBalanceTransactions({ data: [] })).toThrow(ReportFormatError);
  });
});

describe("Paystack's settlements and their transactions", () => {
  it('reads transactions as charge lines (subunits), and deductions as one other_adjustment', () => {
    const items = parsePaystackSettlements({
      settlement: {
        id: 3090024,
        status: 'success',
        currency: 'NGN',
        total_amount: 995,
        effective_amount: 895,
        total_fees: 5,
        total_processed: 1000,
        deductions: 100,
        settlement_date: '2026-03-02T12:00:00.000Z',
      },
      transactions: {
        status: true,
        message: 'Settlement transactions retrieved',
        data: [
          {
            id: 71,
            reference: 'ref_1',
            amount: 1000,
            fees: 5,
            currency: 'NGN',
            paid_at: '2026-03-01T09:00:00.000Z',
            metadata: { paymentId: 'pay_1' },
          },
        ],
        meta: { total: 1, page: 1 },
      },
    });
    expect(items.map((i) => i.line)).toEqual([
      {
        lineId: '71',
        payoutId: '3090024',
        category: 'charge',
        currency: 'NGN',
        gross: 1000,
        fee: 5,
        net: 995,
        sourceId: 'ref_1',
        paymentId: 'pay_1',
        createdAt: '2026-03-01T09:00:00.000Z',
      },
      {
        lineId: 'settlement-3090024-deductions',
        payoutId: '3090024',
        category: 'other_adjustment',
        currency: 'NGN',
        gross: -100,
        fee: 0,
        net: -100,
        createdAt: '2026-03-02T12:00:00.000Z',
      },
    ]);
    expect(items[0].payout.amount).toBe(895);
  });

  it('refuses a page that is not a Paystack response', () => {
    expect(() =>
      parsePaystackSettlements({
        settlement: { id: 1, currency: 'NGN', total_amount: 0, settlement_date: '2026-03-02' },
        transactions: { data: [] },
      }),
    ).toThrow(ReportFormatError);
  });
});
