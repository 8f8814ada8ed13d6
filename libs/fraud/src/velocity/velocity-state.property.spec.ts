import { parseFraudRules, WINDOW_RULES } from '@ledger/platform';
import fc from 'fast-check';
import type { VelocityFact } from './facts';
import { ReferenceVelocityState } from './testing/reference-velocity-state';
import { VelocityState, type Observation, type StateChanges, type Trip } from './velocity-state';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-07T10:00:00Z');

/** Rules small enough to trip often; windows from a minute to past the retention horizons (24 h, 30 days). */
const rulesArb = fc
  .record({
    windows: fc.tuple(
      ...WINDOW_RULES.map((rule) =>
        fc.oneof(
          fc.constant(`${rule}=off`),
          fc
            .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('1m', '10m', '1h', '3h', '24h', '2d', '40d'))
            .map(([n, w]) => `${rule}=${n}/${w}`),
        ),
      ),
    ),
    countryMismatch: fc.constantFrom('on', 'off'),
    spike: fc.constantFrom('off', '1.5x', '2x', '5x'),
  })
  .map(({ windows, countryMismatch, spike }) =>
    parseFraudRules([...windows, `country_mismatch=${countryMismatch}`, `amount_spike=${spike}`].join(',')),
  );

/** A step of the clock, and how late the fact's own time is behind it (providers report out of order). */
const clockStep = fc.constantFrom(0, 0, 1_000, 20_000, MIN, 5 * MIN, 20 * MIN, HOUR, 6 * HOUR, DAY, 10 * DAY, 31 * DAY);
const lateness = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.constantFrom(1_000, 30_000, 5 * MIN, 2 * HOUR, 2 * DAY, 35 * DAY) },
  // Exactly a window back: the fact lands on the window's start (which it is not in).
  { weight: 2, arbitrary: fc.constantFrom(MIN, 10 * MIN, HOUR, DAY) },
);
const maybe = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

type Step =
  | {
      kind: 'payment';
      step: number;
      late: number;
      fields: Omit<Extract<VelocityFact, { kind: 'payment' }>, 'kind' | 'paymentId' | 'at'>;
      reuse: number | undefined;
    }
  | { kind: 'failure'; step: number; late: number; card: string | undefined; of: number | undefined }
  | { kind: 'forget'; customerId: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('payment' as const),
      step: clockStep,
      late: lateness,
      fields: fc.record(
        {
          customerId: maybe(['c1', 'c2', 'c3', 'c4']),
          card: maybe(['k1', 'k2', 'k3', 'k4', 'k5']),
          ip: maybe(['i1', 'i2', 'i3']),
          device: maybe(['d1']),
          email: maybe(['e1', 'e2']),
          amount: fc.constantFrom(100, 400, 1000, 1200, 3000, 9000, 50_000),
          currency: fc.constantFrom('USD', 'EUR'),
          countryMismatch: fc.boolean(),
        },
        { requiredKeys: ['amount', 'currency', 'countryMismatch'] },
      ),
      // Sometimes a payment id seen before (a replayed or duplicated fact).
      reuse: fc.option(fc.nat(), { freq: 8, nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('failure' as const),
      step: clockStep,
      late: lateness,
      card: maybe(['k1', 'k2', 'k3', 'k4', 'k5']),
      // Usually a failed attempt of an earlier payment (several attempts of one payment repeat its id).
      of: fc.option(fc.nat(), { freq: 4, nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('forget' as const), customerId: fc.constantFrom('c1', 'c2', 'c3', 'c4') }) },
);

/** Turns generated steps into facts: a clock that moves on, payment ids (new or earlier), late event times. */
function factsOf(steps: readonly Step[], start = T0): VelocityFact[] {
  let clock = start;
  const ids: string[] = [];
  return steps.map((s, n): VelocityFact => {
    if (s.kind === 'forget') return s;
    clock += s.step;
    const at = clock - s.late;
    if (s.kind === 'payment') {
      const paymentId = s.reuse !== undefined && ids.length > 0 ? ids[s.reuse % ids.length] : `p${n}`;
      ids.push(paymentId);
      return { kind: 'payment', paymentId, at, ...s.fields };
    }
    const paymentId = s.of !== undefined && ids.length > 0 ? ids[s.of % ids.length] : `p${n}`;
    return { kind: 'failure', paymentId, at, card: s.card };
  });
}

/** What the store would hold after these facts (fraud.observations, fraud.trips), as the reference decides them. */
function storedAfter(rules: ReturnType<typeof parseFraudRules>, facts: readonly VelocityFact[]) {
  const state = new ReferenceVelocityState(rules);
  let observations: Observation[] = [];
  const trips = new Map<string, Trip>();
  for (const fact of facts) {
    state.observe(fact);
    const changes: StateChanges = state.takeChanges();
    for (const { customerId, subjects } of changes.forgotten) {
      observations = observations.filter((o) => o.customerId !== customerId);
      for (const [key, trip] of trips) if (subjects.includes(trip.subject)) trips.delete(key);
    }
    observations.push(...changes.observed);
    for (const trip of changes.trips) trips.set(`${trip.rule}|${trip.subject}`, trip);
    for (const { rule, subject } of changes.tripsClosed) trips.delete(`${rule}|${subject}`);
  }
  return { observations, trips: [...trips.values()] };
}

/**
 * Both implementations, fact by fact: the same decisions after every one, and the same changes after every
 * `batch` facts (1: after every fact; more: a batch's changes, where a forget also drops what the batch observed).
 */
function expectSameDecisions(rules: ReturnType<typeof parseFraudRules>, loaded: Step[], steps: Step[], batch = 1): void {
  const reference = new ReferenceVelocityState(rules);
  const state = new VelocityState(rules);
  if (loaded.length > 0) {
    const stored = storedAfter(rules, factsOf(loaded));
    reference.load(stored.observations, stored.trips);
    state.load(stored.observations, stored.trips);
  }
  expectSameFor(rules, factsOf(steps, T0 + 40 * DAY), batch, reference, state);
}

function expectSameFor(
  rules: ReturnType<typeof parseFraudRules>,
  facts: readonly VelocityFact[],
  batch = 1,
  reference = new ReferenceVelocityState(rules),
  state = new VelocityState(rules),
): void {
  facts.forEach((fact, i) => {
    const expected = reference.observe(fact);
    const actual = state.observe(fact);
    if ((i + 1) % batch === 0 || i === facts.length - 1) expect(state.takeChanges()).toEqual(reference.takeChanges());
    expect(actual).toEqual(expected);
  });
}

describe('VelocityState decides exactly what the full-rescan reference decides', () => {
  it('for random fact sequences (customers, cards, IPs, out-of-order times, failures, forgets, duplicates, a loaded state)', () => {
    fc.assert(
      fc.property(
        rulesArb,
        fc.oneof(fc.constant([] as Step[]), fc.array(stepArb, { maxLength: 40 })),
        fc.array(stepArb, { minLength: 1, maxLength: 120 }),
        fc.constantFrom(1, 1, 4),
        (rules, loaded, steps, batch) => expectSameDecisions(rules, loaded, steps, batch),
      ),
      { numRuns: 600, seed: 20261207 },
    );
  });

  it('when a forget takes the newest fact of a shared list away (its window ends earlier again)', () => {
    const rules = parseFraudRules('card_customers=2/1h');
    const pay = (paymentId: string, customerId: string, at: number): VelocityFact => ({
      kind: 'payment',
      paymentId,
      customerId,
      card: 'k',
      at,
      amount: 1000,
      currency: 'USD',
      countryMismatch: false,
    });
    const facts: VelocityFact[] = [
      pay('p1', 'a', T0),
      pay('p2', 'b', T0 + 90 * MIN),
      { kind: 'forget', customerId: 'b' },
      pay('p3', 'c', T0 + 20 * MIN),
    ];
    expectSameFor(rules, facts);
    const state = new VelocityState(rules);
    expect(facts.flatMap((f) => state.observe(f)).map((d) => d.commandId)).toEqual(['fraud:card_customers:p1', 'fraud:card_customers:p3']);
  });

  it('for long sequences of few subjects, past the retention horizons and the lists’ compaction', () => {
    const longStep: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 400,
        arbitrary: fc.record({
          kind: fc.constant('payment' as const),
          step: fc.constantFrom(MIN, 10 * MIN, HOUR, 2 * HOUR),
          late: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(30_000, 3 * HOUR, 3 * DAY) }),
          fields: fc.record(
            {
              customerId: fc.constantFrom('c1', 'c2'),
              card: maybe(['k1', 'k2', 'k3']),
              ip: fc.constantFrom('i1', 'i2'),
              amount: fc.constantFrom(1000, 1100, 9000),
              currency: fc.constantFrom('USD', 'EUR'),
              countryMismatch: fc.constant(false),
            },
            { requiredKeys: ['customerId', 'ip', 'amount', 'currency', 'countryMismatch'] },
          ),
          reuse: fc.constant(undefined),
        }),
      },
      {
        weight: 100,
        arbitrary: fc.record({
          kind: fc.constant('failure' as const),
          step: fc.constantFrom(MIN, 10 * MIN),
          late: fc.constant(0),
          card: fc.constantFrom('k1', 'k2'),
          of: fc.option(fc.nat(), { freq: 2, nil: undefined }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), customerId: fc.constantFrom('c1', 'c2') }) },
    );
    fc.assert(
      fc.property(rulesArb, fc.array(longStep, { minLength: 2500, maxLength: 3000 }), (rules, steps) =>
        expectSameDecisions(rules, [], steps),
      ),
      { numRuns: 6, seed: 7, endOnFailure: true },
    );
  });
});
