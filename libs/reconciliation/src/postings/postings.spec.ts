import { assertBalanced, type PostingLine } from '@ledger/books';
import { aggregate, breakSuspense, payoutStatus, postLine, resolution, reverse, type PlacedLine } from './postings';

const base: PlacedLine = { provider: 'stripe', category: 'charge', currency: 'USD', gross: 1000, fee: 59, net: 941, status: 'matched' };

function balances(lines: readonly PostingLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) out[`${l.account} ${l.currency}`] = (out[`${l.account} ${l.currency}`] ?? 0) + l.debit - l.credit;
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
}

describe('Reconciliation postings', () => {
  it("books a matched line's fee, with its sign (a fee returned is a negative fee)", () => {
    expect(balances(postLine(base))).toEqual({ 'expense:fees:stripe USD': 59, 'provider:stripe USD': -59 });
    expect(balances(postLine({ ...base, category: 'dispute_reversal', gross: 1000, fee: -1500, net: 2500 }))).toEqual({
      'expense:fees:stripe USD': -1500,
      'provider:stripe USD': 1500,
    });
  });

  it('books a fee line as a fee', () => {
    expect(balances(postLine({ ...base, category: 'fee', gross: -200, fee: 0, net: -200, status: 'fee' }))).toEqual({
      'expense:fees:stripe USD': 200,
      'provider:stripe USD': -200,
    });
  });

  it('settles a charge in another currency through fx:<p>, each currency balanced', () => {
    const lines = postLine({ ...base, currency: 'USD', gross: 1080, fee: 61, net: 1019, fx: { amount: 1000, currency: 'EUR' } });
    assertBalanced('fx', lines);
    expect(balances(lines)).toEqual({
      'expense:fees:stripe USD': 61,
      'provider:stripe USD': 1080 - 61,
      'fx:stripe USD': -1080,
      'provider:stripe EUR': -1000,
      'fx:stripe EUR': 1000,
    });
  });

  it('puts an unplaced line in suspense, a late fact reverses it exactly, never counted twice', () => {
    const suspended = postLine({ ...base, status: 'break' });
    expect(balances(suspended)).toEqual({ 'provider:stripe USD': 941, 'suspense:stripe USD': -941 });
    const late = [...reverse(suspended), ...postLine(base)];
    assertBalanced('late', late);
    expect(balances([...suspended, ...late])).toEqual({ 'expense:fees:stripe USD': 59, 'provider:stripe USD': -59 });
  });

  it('puts only the difference of an amount mismatch in suspense', () => {
    expect(balances(postLine({ ...base, gross: 1007, net: 948, status: 'break', ledgerAmount: 1000 }))).toEqual({
      'expense:fees:stripe USD': 59,
      'provider:stripe USD': 7 - 59,
      'suspense:stripe USD': -7,
    });
  });

  it('a resolution moves the suspense amount to the named account', () => {
    const suspended = postLine({ ...base, status: 'break' });
    expect(balances([...suspended, ...resolution('stripe', 941, 'USD', 'revenue:sales')])).toEqual({
      'provider:stripe USD': 941,
      'revenue:sales USD': -941,
    });
  });

  it('a payout paid moves provider to bank, and back when it fails after being paid; nothing twice', () => {
    const paid = payoutStatus('stripe', 'paid', false, 5000, 'USD');
    expect(balances(paid)).toEqual({ 'bank:stripe USD': 5000, 'provider:stripe USD': -5000 });
    expect(payoutStatus('stripe', 'paid', true, 5000, 'USD')).toEqual([]);
    expect(balances([...paid, ...payoutStatus('stripe', 'failed', true, 5000, 'USD')])).toEqual({});
    expect(payoutStatus('stripe', 'failed', false, 5000, 'USD')).toEqual([]);
  });

  it("holds the difference of an amount mismatch with the ledger's sign: a refund line of -1007 against a refund of 1000 holds -7", () => {
    expect(breakSuspense({ category: 'refund', gross: -1007, net: -1007 }, 'amount_mismatch', 1000)).toEqual({
      suspense: -7,
      ledgerAmount: -1000,
    });
    expect(breakSuspense({ category: 'charge', gross: 1007, net: 948 }, 'amount_mismatch', 1000)).toEqual({
      suspense: 7,
      ledgerAmount: 1000,
    });
    // Another currency, an FX settlement, or no fact: the whole net waits.
    expect(breakSuspense({ category: 'charge', gross: 1007, net: 948 }, 'currency_mismatch', 1000)).toEqual({ suspense: 948 });
    expect(breakSuspense({ category: 'charge', gross: 1080, net: 1019, settledThroughFx: true }, 'amount_mismatch', 1000)).toEqual({
      suspense: 1019,
    });
    expect(breakSuspense({ category: 'charge', gross: 700, net: 680 }, 'unknown_to_ledger', null)).toEqual({ suspense: 680 });
  });

  it('settles an FX refund the other way whatever sign the report gives its customer-facing amount', () => {
    const refund = { ...base, category: 'refund', gross: -1080, fee: 0, net: -1080 };
    for (const amount of [1000, -1000]) {
      expect(balances(postLine({ ...refund, fx: { amount, currency: 'EUR' } }))).toEqual({
        'provider:stripe USD': -1080,
        'fx:stripe USD': 1080,
        'provider:stripe EUR': 1000,
        'fx:stripe EUR': -1000,
      });
    }
  });

  it('sums an entry per account, currency and side: a fee returned stays a credit beside the fees charged', () => {
    const lines = [
      ...postLine(base),
      ...postLine({ ...base, fee: 41 }),
      ...postLine({ ...base, category: 'refund', gross: -1000, fee: -30, net: -970 }),
    ];
    expect(aggregate(lines)).toEqual([
      { account: 'expense:fees:stripe', currency: 'USD', debit: 100, credit: 0 },
      { account: 'expense:fees:stripe', currency: 'USD', debit: 0, credit: 30 },
      { account: 'provider:stripe', currency: 'USD', debit: 30, credit: 0 },
      { account: 'provider:stripe', currency: 'USD', debit: 0, credit: 100 },
    ]);
    expect(aggregate([...postLine(base), ...reverse(postLine(base))])).toEqual([
      { account: 'expense:fees:stripe', currency: 'USD', debit: 59, credit: 0 },
      { account: 'expense:fees:stripe', currency: 'USD', debit: 0, credit: 59 },
      { account: 'provider:stripe', currency: 'USD', debit: 59, credit: 0 },
      { account: 'provider:stripe', currency: 'USD', debit: 0, credit: 59 },
    ]);
  });

  it('every entry balances per currency', () => {
    for (const line of [
      base,
      { ...base, status: 'break' as const },
      { ...base, status: 'fee' as const, gross: -3 },
      { ...base, fx: { amount: 10, currency: 'JPY' } },
    ]) {
      expect(() => assertBalanced('line', postLine(line))).not.toThrow();
    }
  });
});
