import { parseFraudRules, type FraudRuleName } from '@ledger/platform';
import type { FlagDecision, VelocityFact } from './facts';
import { VelocityState } from './velocity-state';

const ALL_OFF =
  'customer_payments=off,customer_cards=off,card_customers=off,ip_customers=off,ip_cards=off,card_failures=off,country_mismatch=off,amount_spike=off';
const MIN = 60_000;
const T0 = Date.parse('2026-12-07T10:00:00Z');

/** Only the named rule, as configured. */
const only = (rule: FraudRuleName, setting: string) => parseFraudRules(`${ALL_OFF},${rule}=${setting}`);

type PaymentFact = Extract<VelocityFact, { kind: 'payment' }>;
const payment = (n: number, fields: Partial<PaymentFact> = {}): PaymentFact => ({
  kind: 'payment',
  paymentId: `p${n}`,
  at: T0 + n * MIN,
  amount: 1000,
  currency: 'USD',
  countryMismatch: false,
  ...fields,
});
const failure = (n: number, card: string | undefined, paymentId = `p${n}`): VelocityFact => ({
  kind: 'failure',
  paymentId,
  at: T0 + n * MIN,
  card,
});

/** Given these facts, the FlagFraud decisions (rule, payment, trip) in order. */
function flagsOf(rules: ReturnType<typeof parseFraudRules>, facts: readonly VelocityFact[]): FlagDecision[] {
  const state = new VelocityState(rules);
  return facts.flatMap((f) => state.observe(f));
}
const brief = (d: FlagDecision) => `${d.commandId} trip=${d.tripId} count=${d.count}/${d.threshold} [${d.paymentIds.join(',')}]`;

describe('Fraud velocity rules', () => {
  describe('customer_payments (payments per customer)', () => {
    const rules = only('customer_payments', '3/1h');
    it('flags every payment in the window once it reaches the threshold, then each later one in the same trip', () => {
      const facts = [1, 2, 3, 4].map((n) => payment(n, { customerId: 'c1' }));
      expect(flagsOf(rules, facts).map(brief)).toEqual([
        'fraud:customer_payments:p1 trip=customer_payments:p3 count=3/3 [p1,p2,p3]',
        'fraud:customer_payments:p2 trip=customer_payments:p3 count=3/3 [p1,p2,p3]',
        'fraud:customer_payments:p3 trip=customer_payments:p3 count=3/3 [p1,p2,p3]',
        'fraud:customer_payments:p4 trip=customer_payments:p3 count=4/3 [p1,p2,p3,p4]',
      ]);
    });
    it('flags nothing just below the threshold, nor across the window', () => {
      expect(flagsOf(rules, [payment(1, { customerId: 'c1' }), payment(2, { customerId: 'c1' })])).toEqual([]);
      expect(
        flagsOf(rules, [payment(1, { customerId: 'c1' }), payment(2, { customerId: 'c1' }), payment(61, { customerId: 'c1' })]),
      ).toEqual([]);
      expect(
        flagsOf(rules, [payment(1, { customerId: 'c1' }), payment(2, { customerId: 'c2' }), payment(3, { customerId: 'c3' })]),
      ).toEqual([]);
    });
  });

  describe('customer_cards (distinct cards per customer)', () => {
    const rules = only('customer_cards', '3/24h');
    it('trips on the third distinct card', () => {
      const facts = [
        payment(1, { customerId: 'c1', card: 'k1' }),
        payment(2, { customerId: 'c1', card: 'k1' }),
        payment(3, { customerId: 'c1', card: 'k2' }),
        payment(4, { customerId: 'c1', card: 'k3' }),
      ];
      expect(flagsOf(rules, facts).map((d) => d.commandId)).toEqual([
        'fraud:customer_cards:p1',
        'fraud:customer_cards:p2',
        'fraud:customer_cards:p3',
        'fraud:customer_cards:p4',
      ]);
      expect(flagsOf(rules, facts)[0]).toMatchObject({ count: 3, threshold: 3, window: '24h', tripId: 'customer_cards:p4' });
    });
    it('flags nothing with two cards, however many payments', () => {
      const facts = [1, 2, 3, 4].map((n) => payment(n, { customerId: 'c1', card: n % 2 ? 'k1' : 'k2' }));
      expect(flagsOf(rules, facts)).toEqual([]);
    });
  });

  describe('card_customers (distinct customers per card)', () => {
    const rules = only('card_customers', '3/24h');
    it('trips on the third customer of one card', () => {
      const facts = [
        payment(1, { customerId: 'a', card: 'k' }),
        payment(2, { customerId: 'b', card: 'k' }),
        payment(3, { customerId: 'c', card: 'k' }),
      ];
      expect(flagsOf(rules, facts).map(brief)).toEqual([
        'fraud:card_customers:p1 trip=card_customers:p3 count=3/3 [p1,p2,p3]',
        'fraud:card_customers:p2 trip=card_customers:p3 count=3/3 [p1,p2,p3]',
        'fraud:card_customers:p3 trip=card_customers:p3 count=3/3 [p1,p2,p3]',
      ]);
    });
    it('flags nothing with two customers', () => {
      const facts = [
        payment(1, { customerId: 'a', card: 'k' }),
        payment(2, { customerId: 'b', card: 'k' }),
        payment(3, { customerId: 'a', card: 'k' }),
      ];
      expect(flagsOf(rules, facts)).toEqual([]);
    });
  });

  describe('ip_customers (distinct customers per IP)', () => {
    const rules = only('ip_customers', '3/1h');
    it('trips on the third customer from one address', () => {
      const facts = ['a', 'b', 'c'].map((c, i) => payment(i + 1, { customerId: c, ip: 'i1' }));
      expect(flagsOf(rules, facts).map((d) => d.commandId)).toEqual([
        'fraud:ip_customers:p1',
        'fraud:ip_customers:p2',
        'fraud:ip_customers:p3',
      ]);
    });
    it('flags nothing with two customers, nor with three an hour apart', () => {
      expect(
        flagsOf(
          rules,
          ['a', 'b', 'a'].map((c, i) => payment(i + 1, { customerId: c, ip: 'i1' })),
        ),
      ).toEqual([]);
      expect(
        flagsOf(
          rules,
          ['a', 'b', 'c'].map((c, i) => payment(1 + i * 40, { customerId: c, ip: 'i1' })),
        ),
      ).toEqual([]);
    });
  });

  describe('ip_cards (distinct cards per IP)', () => {
    const rules = only('ip_cards', '3/1h');
    it('trips on the third card from one address', () => {
      const facts = ['k1', 'k2', 'k3'].map((k, i) => payment(i + 1, { customerId: 'c', ip: 'i1', card: k }));
      expect(flagsOf(rules, facts).map((d) => d.commandId)).toEqual(['fraud:ip_cards:p1', 'fraud:ip_cards:p2', 'fraud:ip_cards:p3']);
    });
    it('flags nothing with two cards', () => {
      expect(
        flagsOf(
          rules,
          ['k1', 'k2', 'k1'].map((k, i) => payment(i + 1, { ip: 'i1', card: k })),
        ),
      ).toEqual([]);
    });
  });

  describe('card_failures (failed attempts per card: card testing)', () => {
    const rules = only('card_failures', '3/10m');
    it('trips on the third failure of one card in ten minutes, taking the card of the payment when the failure names none', () => {
      const facts = [payment(1, { card: 'k' }), failure(1, undefined), failure(2, 'k'), failure(3, 'k'), failure(4, 'k')];
      expect(flagsOf(rules, facts).map(brief)).toEqual([
        'fraud:card_failures:p1 trip=card_failures:p3 count=3/3 [p1,p2,p3]',
        'fraud:card_failures:p2 trip=card_failures:p3 count=3/3 [p1,p2,p3]',
        'fraud:card_failures:p3 trip=card_failures:p3 count=3/3 [p1,p2,p3]',
        'fraud:card_failures:p4 trip=card_failures:p3 count=4/3 [p1,p2,p3,p4]',
      ]);
    });
    it('counts facts that arrive out of event-time order (a provider reports seconds earlier) in one window', () => {
      const facts = [failure(5, 'k'), failure(6, 'k'), failure(2, 'k')];
      expect(flagsOf(rules, facts).map((d) => d.commandId)).toEqual([
        'fraud:card_failures:p5',
        'fraud:card_failures:p6',
        'fraud:card_failures:p2',
      ]);
      expect(flagsOf(rules, [failure(20, 'k'), failure(21, 'k'), failure(2, 'k')])).toEqual([]);
    });

    it('flags nothing at two failures, nor at three spread past the window', () => {
      expect(flagsOf(rules, [failure(1, 'k'), failure(2, 'k'), failure(3, 'other')])).toEqual([]);
      expect(flagsOf(rules, [failure(1, 'k'), failure(6, 'k'), failure(12, 'k')])).toEqual([]);
    });
  });

  describe('country_mismatch (card country ≠ IP country)', () => {
    const rules = only('country_mismatch', 'on');
    it('flags the payment whose countries differ; a customer is one trip a day', () => {
      const facts = [
        payment(1, { customerId: 'c', countryMismatch: true }),
        payment(2, { customerId: 'c' }),
        payment(3, { customerId: 'c', countryMismatch: true }),
      ];
      expect(flagsOf(rules, facts).map(brief)).toEqual([
        'fraud:country_mismatch:p1 trip=country_mismatch:p1 count=1/1 [p1]',
        'fraud:country_mismatch:p3 trip=country_mismatch:p1 count=1/1 [p3]',
      ]);
    });
    it('flags nothing when off', () => {
      expect(flagsOf(only('country_mismatch', 'off'), [payment(1, { countryMismatch: true })])).toEqual([]);
    });
  });

  describe('amount_spike (amount above k × the customer’s own median)', () => {
    const rules = only('amount_spike', '5x');
    const history = [1000, 1200, 800].map((amount, i) => payment(i + 1, { customerId: 'c', amount }));
    it('flags an amount above five times the median of the customer’s earlier payments in that currency', () => {
      expect(flagsOf(rules, [...history, payment(4, { customerId: 'c', amount: 5001 })]).map(brief)).toEqual([
        'fraud:amount_spike:p4 trip=amount_spike:p4 count=5001/5000 [p4]',
      ]);
    });
    it('flags nothing at exactly k × the median, in another currency, or without three earlier payments', () => {
      expect(flagsOf(rules, [...history, payment(4, { customerId: 'c', amount: 5000 })])).toEqual([]);
      expect(flagsOf(rules, [...history, payment(4, { customerId: 'c', amount: 9999, currency: 'EUR' })])).toEqual([]);
      expect(flagsOf(rules, [...history.slice(0, 2), payment(4, { customerId: 'c', amount: 9999 })])).toEqual([]);
    });
  });

  describe('a customer forgotten', () => {
    it('leaves the windows: their payments count no more, and their tokens leave the trips', () => {
      const state = new VelocityState(only('card_customers', '3/24h'));
      const facts = [payment(1, { customerId: 'a', card: 'k' }), payment(2, { customerId: 'b', card: 'k' })];
      for (const f of facts) state.observe(f);
      state.takeChanges();
      state.observe({ kind: 'forget', customerId: 'a' });
      expect(state.takeChanges().forgotten).toEqual([{ customerId: 'a', subjects: expect.arrayContaining(['customer:a', 'card:k']) }]);
      expect(state.observe(payment(3, { customerId: 'c', card: 'k' }))).toEqual([]);
    });
  });
});
