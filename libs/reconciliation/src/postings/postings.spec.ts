import { assertBalanced, type PostingLine } from '@ledger/books';
import { payoutStatus, postLine, resolution, reverse, type PlacedLine } from './postings';

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
