import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

/**
 * Plants small files where the architecture forbids them and lints them with the project's own
 * eslint.config.mjs. The files live inside the repo (under folders tsconfig.json includes) because the
 * type-aware rules and the boundary rule both judge a file by where it sits. ESLint runs once, in a
 * child process: its config is an ES module, which Jest's module sandbox cannot load.
 */
const root = join(__dirname, '..', '..');
const tag = `lint_fixture_${process.pid}`;
const fixtureApp = `apps/${tag}_app`;
const otherApp = `apps/${tag}_other_app`;
const fixtureLib = `libs/${tag}_lib`;
const inDomain = `libs/payments-domain/${tag}`;

const planted: Record<string, string> = {
  [`${otherApp}/src/other.ts`]: `export const other = 1;\n`,
  [`${fixtureLib}/src/index.ts`]: `export const shared = 1;\n`,
  [`${fixtureLib}/src/imports-app.ts`]: `import { other } from '../../../${otherApp}/src/other';\n\nexport const fromApp = other;\n`,
  [`${fixtureApp}/src/imports-other-app.ts`]: `import { other } from '../../${tag}_other_app/src/other';\n\nexport const fromOtherApp = other;\n`,
  [`${inDomain}/imports-event-store.ts`]: `import type { EventStore } from '@ledger/event-store';\n\nexport type Store = EventStore;\n`,
  [`${inDomain}/imports-outside.ts`]: `import { shared } from '../../${tag}_lib/src/index';\n\nexport const outside = shared;\n`,
  [`${inDomain}/imports-root-file.ts`]: `import pkg from '../../../package.json';\n\nexport const version = pkg.version;\n`,
  [`${fixtureApp}/src/relative-lib-path.ts`]: `import { value } from '../../../${fixtureLib}/src/unused';\n\nexport const fromLib = value;\n`,
  [`${fixtureApp}/src/deep-lib-path.ts`]: `import type { EventStore } from '@ledger/event-store/src/event-store';\n\nexport type Store = EventStore;\n`,
  [`${fixtureLib}/src/floating.ts`]: `async function save(): Promise<void> {}\n\nexport function handle(): void {\n  save();\n}\n`,
  [`${fixtureLib}/src/misused.ts`]: `export function schedule(work: () => Promise<void>): void {\n  setTimeout(work, 10);\n}\n`,
  [`${fixtureLib}/src/throws-string.ts`]: `export function fail(): never {\n  throw 'declined';\n}\n`,
  [`${fixtureLib}/src/unused.ts`]: `import { shared } from './index';\n\nexport const value = 2;\n`,
  [`${fixtureLib}/src/stale-disable.ts`]: `export const value = 3; // eslint-disable-line no-console\n`,
  [`${fixtureApp}/src/clean.ts`]: [
    `import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';`,
    `import type { EventStore } from '@ledger/event-store';`,
    ``,
    `export async function prefixed(store: EventStore | undefined, id: string): Promise<string> {`,
    `  await Promise.resolve(store);`,
    `  void Promise.resolve(id);`,
    '  return `${PAYMENT_STREAM_PREFIX}${id}`;',
    `}`,
    ``,
  ].join('\n'),
};

interface Message {
  ruleId: string | null;
  message: string;
  fatal?: boolean;
}
let results: Map<string, Message[]>;

const rulesIn = (file: string): (string | null)[] => (results.get(file) ?? []).map((m) => m.ruleId);

beforeAll(async () => {
  for (const [file, text] of Object.entries(planted)) {
    await mkdir(join(root, dirname(file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const args = [eslint, '--format', 'json', ...Object.keys(planted)];
  // ESLint exits 1 when it finds problems; the report is on stdout either way.
  const stdout = await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }).then(
    (r) => r.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  const report = JSON.parse(stdout) as { filePath: string; messages: Message[] }[];
  results = new Map(report.map((r) => [relative(root, r.filePath), r.messages]));
}, 180_000);

afterAll(async () => {
  for (const dir of [fixtureApp, otherApp, fixtureLib, inDomain]) await rm(join(root, dir), { recursive: true, force: true });
});

describe('The lint configuration', () => {
  it('lints every planted file without a parse error', () => {
    expect([...results.keys()].sort()).toEqual(Object.keys(planted).sort());
    expect([...results.values()].flat().filter((m) => m.fatal)).toEqual([]);
  });

  describe('import boundaries', () => {
    it('refuses a lib importing an app', () => {
      expect(rulesIn(`${fixtureLib}/src/imports-app.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses an app importing another app by relative path', () => {
      expect(rulesIn(`${fixtureApp}/src/imports-other-app.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses the payments domain importing @ledger/event-store', () => {
      expect(rulesIn(`${inDomain}/imports-event-store.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses the payments domain reaching outside itself by relative path', () => {
      expect(rulesIn(`${inDomain}/imports-outside.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses the payments domain reaching a file of ours outside every lib and app', () => {
      expect(rulesIn(`${inDomain}/imports-root-file.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses an app reaching into a lib by relative path', () => {
      expect(rulesIn(`${fixtureApp}/src/relative-lib-path.ts`)).toEqual(['boundaries/dependencies']);
    });

    it('refuses a path into a lib past its alias', () => {
      expect(rulesIn(`${fixtureApp}/src/deep-lib-path.ts`)).toContain('no-restricted-imports');
    });
  });

  describe('promises and dead code', () => {
    it('refuses a floating promise', () => {
      expect(rulesIn(`${fixtureLib}/src/floating.ts`)).toEqual(['@typescript-eslint/no-floating-promises']);
    });

    it('refuses an async callback where a void one is expected', () => {
      expect(rulesIn(`${fixtureLib}/src/misused.ts`)).toEqual(['@typescript-eslint/no-misused-promises']);
    });

    it('refuses an unused import', () => {
      expect(rulesIn(`${fixtureLib}/src/unused.ts`)).toEqual(['@typescript-eslint/no-unused-vars']);
    });

    it('refuses throwing something that is not an Error', () => {
      expect(rulesIn(`${fixtureLib}/src/throws-string.ts`)).toEqual(['@typescript-eslint/only-throw-error']);
    });

    it('refuses an eslint-disable comment that disables nothing', () => {
      expect(results.get(`${fixtureLib}/src/stale-disable.ts`)).toEqual([
        expect.objectContaining({ ruleId: null, message: expect.stringContaining('Unused eslint-disable directive') }),
      ]);
    });
  });

  it('passes a clean file that imports libs by their aliases and awaits its promises', () => {
    expect(results.get(`${fixtureApp}/src/clean.ts`)).toEqual([]);
  });
});
