import { join } from 'node:path';
import { SLEEPS_ALLOWED, isSuiteFile, sleepsIn, type Sleep } from './sleeps';
import { sourcesUnder, type Source } from './table-owners';

/**
 * No test sleeps and then asserts that nothing happened: it waits for a condition that proves progress, then
 * asserts (sleeps.ts). Read, never run: the suites' files are parsed with the TypeScript compiler.
 */
const root = join(__dirname, '..', '..');
const suites = sourcesUnder(root, ['apps', 'libs', 'test']).filter((s) => isSuiteFile(s.path));
const allowed = new Map(SLEEPS_ALLOWED.map((a) => [a.file, a]));

const parsed = new Map<Source, Sleep[]>();
/** The fixed sleeps of `sources`, each file parsed once. */
const fixed = (sources: readonly Source[]): Sleep[] =>
  sources.flatMap((source) => parsed.get(source) ?? parsed.set(source, sleepsIn(source)).get(source)!).filter((s) => !s.polling);
/** Sleeps followed by an assertion that nothing happened, outside the files where time itself is under test. */
const sleepThenNothing = (sources: readonly Source[]) =>
  fixed(sources)
    .filter((s) => s.negative && !allowed.has(s.path))
    .map((s) => `${s.path}:${s.line} sleeps, then ${s.negative}`);
/** Files whose fixed sleeps the allow-list does not account for, with their count. */
const unaccounted = (sources: readonly Source[]) => {
  const perFile = new Map<string, number>();
  for (const s of fixed(sources)) perFile.set(s.path, (perFile.get(s.path) ?? 0) + 1);
  return [...perFile].filter(([file, n]) => allowed.get(file)?.count !== n).map(([file, n]) => `${file}: ${n} fixed sleeps`);
};

describe('Sleeps in the suites', () => {
  it('never sleep and then assert that nothing happened', () => {
    expect(sleepThenNothing(suites)).toEqual([]);
  });

  it('wait for no fixed time except where the allow-list says why', () => {
    expect(unaccounted(suites)).toEqual([]);
    const seen = new Set(fixed(suites).map((s) => s.path));
    expect(SLEEPS_ALLOWED.filter((a) => !seen.has(a.file)).map((a) => `${a.file} (${a.why})`)).toEqual([]);
  });

  describe('on planted tests', () => {
    const spec = (body: string[]): Source => ({
      path: 'test/e2e/alerts/planted.int-spec.ts',
      text: [`import { setTimeout as sleep } from 'node:timers/promises';`, ``, `it('stays quiet', async () => {`, ...body, `});`, ``].join(
        '\n',
      ),
    });

    it('fails a sleep followed by an assertion that nothing happened, when it sits in the suites', () => {
      const planted = spec([
        `  await appendPayment(p.store, { fraudFlags: 1 });`,
        `  await new Promise((r) => setTimeout(r, 800));`,
        `  expect(await p.outbox()).toHaveLength(0);`,
      ]);
      expect(sleepThenNothing([...suites, planted])).toEqual([
        'test/e2e/alerts/planted.int-spec.ts:5 sleeps, then expect(await p.outbox()).toHaveLength(0);',
      ]);
      expect(unaccounted([...suites, planted])).toEqual(['test/e2e/alerts/planted.int-spec.ts: 1 fixed sleeps']);
    });

    it('sees the other spellings of a sleep and of "nothing happened"', () => {
      const planted = spec([
        `  await sleep(500);`,
        `  expect(received('fraud_flags')).not.toContain(alert);`,
        `  await new Promise<void>((resolve) => setTimeout(resolve, 100));`,
        `  expect(await p.outbox()).toEqual(before);`,
        `  for (let round = 0; round < 3; round++) await sleep(100);`,
        `  expect(settled).toBe(false);`,
      ]);
      expect(sleepThenNothing([planted]).map((line) => line.split(' ')[0])).toEqual([
        'test/e2e/alerts/planted.int-spec.ts:4',
        'test/e2e/alerts/planted.int-spec.ts:6',
        'test/e2e/alerts/planted.int-spec.ts:8',
      ]);
    });

    it('passes a wait for a condition, and the files outside the suites', () => {
      const polling = spec([
        `  for (;;) {`,
        `    if ((await p.outbox()).length > 0) break;`,
        `    await new Promise((r) => setTimeout(r, 50));`,
        `  }`,
        `  while (!(await projected())) await sleep(25);`,
        `  expect(await p.outbox()).toHaveLength(0);`,
      ]);
      expect(fixed([polling])).toEqual([]);
      const bench = { ...spec([`  await sleep(500);`, `  expect(x).toBe(0);`]), path: 'test/bench/planted.ts' };
      expect(isSuiteFile(bench.path)).toBe(false);
    });
  });
});
