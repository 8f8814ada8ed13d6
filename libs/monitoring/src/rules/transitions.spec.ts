import type { AlertStateRow } from './alert-state';
import { conditionTransition, healthTransition, type RuleReading } from './transitions';

const timing = { cooldownMs: 3_600_000, recoverAfterMs: 120_000 };
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + s * 1000);
const reading = (firing: boolean): RuleReading => ({
  rule: 'failure_rate',
  provider: 'stripe',
  severity: 'critical',
  firing,
  value: firing ? 7 : 3,
  threshold: 5,
  windowStart: t(-900),
  windowEnd: t(0),
  title: 'stripe: failure rate',
  details: {},
});

/** Feeds readings at the given seconds through the transition, as the hook would, and returns what it paged. */
function run(steps: ReadonlyArray<readonly [number, boolean]>) {
  let state: AlertStateRow | undefined;
  const paged: { kind: string; id: string; resolves?: string }[] = [];
  for (const [second, firing] of steps) {
    const { alert, state: next } = conditionTransition(reading(firing), state, t(second), timing);
    if (alert) paged.push({ kind: alert.kind, id: alert.id, resolves: alert.resolves });
    if (next === null) state = undefined;
    else if (next) state = next;
  }
  return paged;
}

describe('conditionTransition', () => {
  it('gives every raise its own id, even within one minute of the same window', () => {
    const paged = run([
      [0, true],
      [10, false],
      [140, false],
      [150, true],
    ]);
    expect(paged.map((p) => p.kind)).toEqual(['raised', 'recovered', 'raised']);
    expect(paged[0].id).not.toBe(paged[2].id);
    expect(paged[1].resolves).toBe(paged[0].id);
  });

  it('declares a recovery only after the condition stayed clear for recoverAfter', () => {
    expect(
      run([
        [0, true],
        [10, false],
        [129, false],
      ]).map((p) => p.kind),
    ).toEqual(['raised']);
    expect(
      run([
        [0, true],
        [10, false],
        [130, false],
      ]).map((p) => p.kind),
    ).toEqual(['raised', 'recovered']);
  });

  it('keeps a condition flapping every 20 s for 10 minutes as one alert', () => {
    const steps = Array.from({ length: 31 }, (_, k) => [k * 20, k % 2 === 0] as const);
    expect(run(steps).map((p) => p.kind)).toEqual(['raised']);
  });

  it('repeats a condition that keeps firing only once the cooldown has passed', () => {
    expect(
      run([
        [0, true],
        [1800, true],
        [3600, true],
      ]).map((p) => p.kind),
    ).toEqual(['raised', 'raised']);
  });

  it('pages a raise after a declared recovery even within the cooldown', () => {
    expect(
      run([
        [0, true],
        [60, false],
        [180, false],
        [190, true],
      ]).map((p) => p.kind),
    ).toEqual(['raised', 'recovered', 'raised']);
  });
});

describe('healthTransition', () => {
  it('degraded → healthy → degraded within recoverAfter stays one alert; after it, a new raise', () => {
    const first = healthTransition('stripe', 'degraded', undefined, t(-900), t(0), timing);
    const clearing = healthTransition('stripe', 'healthy', first.state ?? undefined, t(-900), t(30), timing);
    expect(clearing.alert).toBeUndefined();
    const back = healthTransition('stripe', 'degraded', clearing.state ?? undefined, t(-900), t(60), timing);
    expect(back.alert).toBeUndefined();
    const clear2 = healthTransition('stripe', 'healthy', back.state ?? first.state ?? undefined, t(-900), t(70), timing);
    const recovered = healthTransition('stripe', 'healthy', clear2.state ?? undefined, t(-900), t(200), timing);
    expect(recovered.alert).toMatchObject({ kind: 'recovered', resolves: first.alert?.id });
    const again = healthTransition('stripe', 'degraded', undefined, t(-900), t(210), timing);
    expect(again.alert?.id).not.toBe(first.alert?.id);
  });
});

describe('healthTransition: one open alert per provider that follows its state', () => {
  it('degraded → unhealthy supersedes: a raise with the new state, and the old alert resolved just before it', () => {
    const degraded = healthTransition('stripe', 'degraded', undefined, t(-900), t(0), timing);
    expect(degraded).toMatchObject({ alert: { kind: 'raised', title: 'stripe: health degraded' }, superseded: undefined });
    const unhealthy = healthTransition('stripe', 'unhealthy', degraded.state ?? undefined, t(-900), t(20), timing);
    expect(unhealthy.alert).toMatchObject({ kind: 'raised', severity: 'warning', title: 'stripe: health unhealthy (was degraded)' });
    expect(unhealthy.superseded).toMatchObject({
      kind: 'recovered',
      severity: 'info',
      resolves: degraded.alert?.id,
      title: 'stripe: health degraded is now unhealthy: continued in a new alert',
      details: { from: 'degraded', to: 'unhealthy', supersededBy: unhealthy.alert?.id },
    });
    // A recovery resolves the provider's health alerts raised up to its own time: the successor's is later.
    expect(Date.parse(unhealthy.superseded!.raisedAt)).toBeLessThan(Date.parse(unhealthy.alert!.raisedAt));
    expect(unhealthy.state).toMatchObject({ state: 'unhealthy', alertId: unhealthy.alert?.id, windowStart: t(-900) });
  });

  it('the way back to healthy resolves the alert open now, after recoverAfter', () => {
    const degraded = healthTransition('stripe', 'degraded', undefined, t(-900), t(0), timing);
    const unhealthy = healthTransition('stripe', 'unhealthy', degraded.state ?? undefined, t(-900), t(20), timing);
    const clearing = healthTransition('stripe', 'healthy', unhealthy.state ?? undefined, t(-900), t(40), timing);
    expect(clearing.alert).toBeUndefined();
    const recovered = healthTransition('stripe', 'healthy', clearing.state ?? undefined, t(-900), t(200), timing);
    expect(recovered).toMatchObject({
      alert: { kind: 'recovered', resolves: unhealthy.alert?.id, title: 'Recovered: stripe: health healthy (was unhealthy)' },
      state: null,
    });
    expect(recovered.superseded).toBeUndefined();
  });
});
