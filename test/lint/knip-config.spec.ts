import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Dead code fails `npm test`: knip (`npm run lint:unused`, its config in package.json) runs after the lint. Here
 * a small app is planted where an app's entry sits (apps/<name>/src/main.ts), with an export and a file nobody
 * uses, and knip, run in a child process on the repository with the project's own config, must name them.
 */
const root = join(__dirname, '..', '..');
const app = `apps/knip_fixture_${process.pid}_app`;

const planted: Record<string, string> = {
  [`${app}/src/main.ts`]: `import { used } from './planted';\n\nprocess.stdout.write(String(used));\n`,
  [`${app}/src/planted.ts`]: `export const used = 1;\n\nexport const unused = 2;\n\nexport type Unused = number;\n`,
  [`${app}/src/orphan.ts`]: `export const orphan = 3;\n`,
};

interface FileIssues {
  file: string;
  exports: { name: string }[];
  types: { name: string }[];
  files: unknown[];
}
let issues: FileIssues[];
const of = (file: string) => issues.find((i) => i.file === file);

beforeAll(async () => {
  for (const [file, text] of Object.entries(planted)) {
    await mkdir(join(root, dirname(file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
  const knip = join(root, 'node_modules', 'knip', 'bin', 'knip.js');
  const { stdout } = await promisify(execFile)(process.execPath, [knip, '--reporter', 'json', '--no-exit-code'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  issues = (JSON.parse(stdout) as { issues: FileIssues[] }).issues;
}, 180_000);

afterAll(async () => {
  await rm(join(root, app), { recursive: true, force: true });
});

describe('knip, the dead-code check of npm test', () => {
  it('is run by npm test, after the lint and before Jest', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['lint:unused']).toBe('knip');
    expect(pkg.scripts.test).toMatch(/npm run lint && npm run lint:unused && jest /);
  });

  it('names a planted export and type nobody imports', () => {
    expect(of(`${app}/src/planted.ts`)?.exports.map((e) => e.name)).toEqual(['unused']);
    expect(of(`${app}/src/planted.ts`)?.types.map((t) => t.name)).toEqual(['Unused']);
  });

  it('names a planted file nobody imports', () => {
    expect(of(`${app}/src/orphan.ts`)?.files).toHaveLength(1);
  });

  it('knows every entry: no file of the dashboard page, the CLI specs’ child processes or the apps reads as unused', () => {
    const unusedFiles = issues.filter((i) => i.files.length > 0).map((i) => i.file);
    expect(unusedFiles).toEqual([`${app}/src/orphan.ts`]);
  });
});
