import type { ReportedLine } from '../formats/reported-line';
import { CATEGORY_RULES, SUSPENSE_CATEGORIES, matchLine } from './match-line';
import type { FactKind, FactLookup, PaymentFact } from './payment-fact';

const charge: PaymentFact = {
  reference: 'pay_1',
  kind: 'charge',
  paymentId: 'pay_1',
  provider: 'stripe',
  amount: 1000,
  currency: 'USD',
  at: '2026-03-01T00:00:00Z',
};
const partial: PaymentFact = { ...charge, reference: 'pay_2', paymentId: 'pay_2', amount: 750, authorizedAmount: 1000 };
const refund: PaymentFact = {
  reference: 'r_1',
  kind: 'refund',
  paymentId: 'pay_1',
  provider: 'stripe',
  amount: 400,
  currency: 'USD',
  at: '2026-03-02T00:00:00Z',
};
const dispute: PaymentFact = {
  reference: 'd_1',
  kind: 'dispute',
  paymentId: 'pay_1',
  provider: 'stripe',
  amount: 1000,
  currency: 'USD',
  at: '2026-03-03T00:00:00Z',
};

function facts(...known: [string, PaymentFact][]): FactLookup {
  const map = new Map(known.map(([ref, fact]) => [`${fact.kind}|${ref}`, fact]));
  return (refs, kind: FactKind) => refs.map((r) => (r ? map.get(`${kind}|${r}`) : undefined)).find(Boolean);
}

const given = facts(
  ['ch_1', charge],
  ['pi_1', charge],
  ['pay_1', charge],
  ['ref_1', charge],
  ['ch_2', partial],
  ['re_1', refund],
  ['dp_1', dispute],
);
const line = (fields: Partial<ReportedLine>): ReportedLine => ({
  lineId: 'txn_1',
  payoutId: 'po_1',
  category: 'charge',
  currency: 'USD',
  gross: 1000,
  fee: 59,
  net: 941,
  createdAt: '2026-03-01T00:00:00Z',
  ...fields,
});

describe('Matching a report line, by reporting category', () => {
  describe('charge and payment', () => {
    it.each([
      ['its source (the charge id)', { sourceId: 'ch_1' }],
      ['its charge_id', { chargeId: 'ch_1' }],
      ['its payment_intent_id', { paymentIntentId: 'pi_1' }],
      ['payment_metadata[paymentId]', { paymentId: 'pay_1' }],
      ["Paystack's reference", { sourceId: 'ref_1' }],
    ])('matches the payment by %s', (_, fields) => {
      expect(matchLine(line(fields), given)).toEqual(expect.objectContaining({ status: 'matched', paymentId: 'pay_1' }));
      expect(matchLine(line({ ...fields, category: 'payment' }), given)).toEqual(
        expect.objectContaining({ status: 'matched', paymentId: 'pay_1' }),
      );
    });

    it('is unknown_to_ledger when no fact carries any of its references', () => {
      expect(matchLine(line({ sourceId: 'ch_ghost' }), given)).toEqual({ status: 'break', kind: 'unknown_to_ledger' });
    });

    it('is amount_mismatch when the gross is neither the captured nor the authorised amount', () => {
      expect(matchLine(line({ sourceId: 'ch_1', gross: 1007 }), given)).toEqual({
        status: 'break',
        kind: 'amount_mismatch',
        paymentId: 'pay_1',
        ledgerAmount: 1000,
        ledgerCurrency: 'USD',
      });
    });

    it('is currency_mismatch when settled in another currency without a customer-facing amount', () => {
      expect(matchLine(line({ sourceId: 'ch_1', currency: 'JPY' }), given)).toEqual(
        expect.objectContaining({ status: 'break', kind: 'currency_mismatch' }),
      );
    });

    it('matches a line settled through FX on its customer-facing amount and currency', () => {
      const fx = line({
        sourceId: 'ch_1',
        currency: 'GBP',
        gross: 790,
        customerFacingAmount: 1000,
        customerFacingCurrency: 'USD',
        exchangeRate: '0.79',
      });
      expect(matchLine(fx, given)).toEqual(
        expect.objectContaining({ status: 'matched', fx: { chargeAmount: 1000, chargeCurrency: 'USD' } }),
      );
      expect(matchLine({ ...fx, customerFacingAmount: 999 }, given)).toEqual(expect.objectContaining({ kind: 'amount_mismatch' }));
    });
  });

  it('partial_capture_reversal: nets the uncaptured rest with its charge (authorised 1000, captured 750)', () => {
    expect(matchLine(line({ sourceId: 'ch_2', gross: 1000 }), given)).toEqual(
      expect.objectContaining({ status: 'matched', paymentId: 'pay_2' }),
    );
    expect(matchLine(line({ category: 'partial_capture_reversal', sourceId: 'ch_2', gross: -250, fee: 0, net: -250 }), given)).toEqual(
      expect.objectContaining({ status: 'matched', paymentId: 'pay_2' }),
    );
    expect(matchLine(line({ category: 'partial_capture_reversal', sourceId: 'ch_2', gross: -200 }), given)).toEqual(
      expect.objectContaining({ kind: 'amount_mismatch', ledgerAmount: 250 }),
    );
  });

  it('refund: to the refund by its provider id, at its amount', () => {
    expect(matchLine(line({ category: 'refund', sourceId: 're_1', gross: -400, fee: 0, net: -400 }), given)).toEqual(
      expect.objectContaining({ status: 'matched' }),
    );
    expect(matchLine(line({ category: 'refund', sourceId: 're_1', gross: -300 }), given)).toEqual(
      expect.objectContaining({ kind: 'amount_mismatch' }),
    );
    expect(matchLine(line({ category: 'refund', sourceId: 're_x', gross: -400 }), given)).toEqual(
      expect.objectContaining({ kind: 'unknown_to_ledger' }),
    );
  });

  it('refund_failure: to the refund only once the ledger reversed it', () => {
    const failed = line({ category: 'refund_failure', sourceId: 're_1', gross: 400, fee: 0, net: 400 });
    expect(matchLine(failed, given)).toEqual(expect.objectContaining({ kind: 'unknown_to_ledger', paymentId: 'pay_1' }));
    expect(matchLine(failed, facts(['re_1', { ...refund, reversed: true }]))).toEqual(expect.objectContaining({ status: 'matched' }));
  });

  it('dispute: to the dispute at the disputed amount (the dispute fee is the line’s fee)', () => {
    expect(matchLine(line({ category: 'dispute', sourceId: 'dp_1', gross: -1000, fee: 1500, net: -2500 }), given)).toEqual(
      expect.objectContaining({ status: 'matched' }),
    );
  });

  it('dispute_reversal: to a dispute that closed without a loss', () => {
    const back = line({ category: 'dispute_reversal', sourceId: 'dp_1', gross: 1000, fee: -1500, net: 2500 });
    expect(matchLine(back, given)).toEqual(expect.objectContaining({ kind: 'unknown_to_ledger' }));
    expect(matchLine(back, facts(['dp_1', { ...dispute, outcome: 'won' }]))).toEqual(expect.objectContaining({ status: 'matched' }));
    expect(matchLine(back, facts(['dp_1', { ...dispute, outcome: 'lost' }]))).toEqual(
      expect.objectContaining({ kind: 'unknown_to_ledger' }),
    );
  });

  it('fee (and network_cost): a provider fee, explained without a ledger fact', () => {
    expect(matchLine(line({ category: 'fee', gross: -200, fee: 0, net: -200 }), given)).toEqual({ status: 'fee' });
    expect(matchLine(line({ category: 'network_cost', gross: -3, fee: 0, net: -3 }), given)).toEqual({ status: 'fee' });
  });

  it.each(['payout', 'payout_reversal', 'payout_failure', 'payout_minimum_balance_hold', 'payout_minimum_balance_release'])(
    '%s: the payout’s own movement',
    (category) => {
      expect(matchLine(line({ category, gross: -5000, fee: 0, net: -5000 }), given)).toEqual({ status: 'payout' });
    },
  );

  it.each([...SUSPENSE_CATEGORIES, 'a_category_stripe_adds_tomorrow'])(
    '%s: suspense, an unknown_to_ledger break until resolved',
    (category) => {
      expect(matchLine(line({ category, sourceId: 'ch_1' }), given)).toEqual({ status: 'break', kind: 'unknown_to_ledger' });
    },
  );

  it('has a rule or a suspense for every category it names', () => {
    for (const category of Object.keys(CATEGORY_RULES)) expect(typeof CATEGORY_RULES[category]).toBe('function');
  });
});
