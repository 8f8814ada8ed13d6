import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** apps/<name>/src/main.ts from source, with only the given environment. */
function run(app: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, `apps/${app}/src/main.ts`)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The one line an app writes when it cannot start: pino's JSON at level 60, the reason as its msg. */
function refusal(app: string, result: Run): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]) as { level: number; name: string; msg: string; time: number };
  expect(line).toMatchObject({ level: 60, name: app, time: expect.any(Number) });
  return line.msg;
}

describe('An app refused at start says which variable, which value and what is wrong, in one line', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-refusals-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const closed = { DATABASE_URL: 'postgres://ledger:hunter2@127.0.0.1:1/ledger', REDIS_URL: 'redis://127.0.0.1:1' };

  it.each(['ledger-api', 'projector', 'alert-worker'])('%s: DATABASE_URL on a closed port', async (app) => {
    const result = await run(app, { ...closed, LEDGER_DATA_DIR: dataDir });
    expect(refusal(app, result)).toBe('DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stdout).toBe('');
  });

  it.each([
    ['ledger-api', { PORT: 'abc' }, 'PORT: "abc" is not a number'],
    ['projector', { PROJECTOR_METRICS_PORT: '99999' }, 'PROJECTOR_METRICS_PORT: "99999" is not a port (1–65535, or 0 for none)'],
    ['alert-worker', { ALERT_TICK_INTERVAL: 'often' }, 'ALERT_TICK_INTERVAL: "often" is not a duration (e.g. 30s, 15m, 24h)'],
  ])('%s: %j', async (app, env, message) => {
    expect(refusal(app, await run(app, { ...closed, ...env }))).toBe(message);
  });

  it('npm start (the dev stack): the same line, prefixed, and no stack', async () => {
    const result = await run('dev-stack', { ...closed, LEDGER_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('npm start: DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)\n');
  });
});
