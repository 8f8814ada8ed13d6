/**
 * The README's first command as a newcomer runs it, on this checkout: `npm start` until it says it is
 * running, the dashboard page, one payment over HTTP with the admin key it printed, then Ctrl-C (SIGINT
 * to the whole process group, as a terminal sends it): exit 0 and no process of the group left, each
 * step within a bound. `.ci/run` runs it on CI's clean clone after the tests. Exit 0 passed, 1 failed.
 *
 *   node --require ./test/support/swc-register.js test/smoke/first-command.ts npm start
 *
 * The command to run is its arguments (`npm start` by default). `start` is `exec node …` in package.json:
 * through `sh -c` without exec, the shell dies of the SIGINT and npm re-raises it, whatever the stack did.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '..', '..');
const READY_WITHIN_MS = 180_000;
const STOPPED_WITHIN_MS = 30_000;
const READY_LINE = 'running; Ctrl-C stops everything';

const say = (line: string) => process.stdout.write(`[smoke] ${line}\n`);

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer()
      .once('error', () => done(false))
      .listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** Processes whose process group is `pgid` (field 5 of /proc/<pid>/stat, after the command's parenthesis). */
function groupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // exited while we looked
    }
  }
  return members;
}

async function main(): Promise<number> {
  const dataDir = resolve(ROOT, process.env.LEDGER_DATA_DIR ?? '.data');
  const port = (await portFree(3000)) ? 3000 : 3000 + Math.floor(Math.random() * 1000) + 1;
  const env = { ...process.env, PORT: String(port), FORCE_COLOR: '0' };
  if (port !== 3000) say(`port 3000 is taken here: PORT=${port}`);
  const started = Date.now();
  const [command, ...args] = process.argv.length > 2 ? process.argv.slice(2) : ['npm', 'start'];
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid as number;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let adminKey: string | undefined;
  let expectKey = false;
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((done) => (ready = done));
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 60) tail.shift();
      if (expectKey && /^\s+lk_\S+$/.test(line)) [adminKey, expectKey] = [line.trim(), false];
      if (line.includes('first admin API key')) expectKey = true;
      if (line.includes(READY_LINE)) ready();
    });
  }
  const fail = (why: string) => {
    say(`FAIL: ${why}`);
    say('last lines of npm start:');
    for (const line of tail) process.stdout.write(`  ${line}\n`);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
    return 1;
  };

  const outcome = await Promise.race([
    isReady.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), READY_WITHIN_MS)),
  ]);
  if (outcome !== 'ready')
    return fail(outcome === 'exited' ? 'npm start exited before it was running' : `not running after ${READY_WITHIN_MS / 1000} s`);
  say(`npm start running after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!adminKey) return fail(`npm start printed no admin API key (it prints one only while ${dataDir} holds no key: run on a clean clone)`);

  const base = `http://127.0.0.1:${port}`;
  const page = await fetch(`${base}/dashboard`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<html')) return fail(`GET /dashboard answered ${page.status}`);
  say('GET /dashboard: 200');

  const created = await fetch(`${base}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'idempotency-key': `smoke-${Date.now()}` },
    body: JSON.stringify({ provider: 'stripe', amount: 1999, currency: 'USD', customerId: 'cus_smoke' }),
  });
  const payment = (await created.json()) as { paymentId?: string; status?: string; amount?: number };
  if (created.status !== 201 || payment.amount !== 1999)
    return fail(`POST /v1/payments answered ${created.status} ${JSON.stringify(payment)}`);
  const read = await fetch(`${base}/v1/payments/${payment.paymentId}`, { headers: { authorization: `Bearer ${adminKey}` } });
  if (read.status !== 200) return fail(`GET /v1/payments/${payment.paymentId} answered ${read.status}`);
  say(`POST /v1/payments with the printed key: 201, ${payment.paymentId} ${payment.status}`);

  const stopAsked = Date.now();
  process.kill(-pgid, 'SIGINT');
  const stopped = await Promise.race([exited, new Promise<undefined>((done) => setTimeout(() => done(undefined), STOPPED_WITHIN_MS))]);
  if (!stopped) return fail(`npm start still running ${STOPPED_WITHIN_MS / 1000} s after SIGINT`);
  if (stopped.code !== 0) return fail(`npm start exited with ${stopped.signal ?? `code ${stopped.code}`} after SIGINT, not 0`);
  // The group's last members (PostgreSQL's backends) may outlive npm by moments: give them the same bound.
  let left = groupMembers(pgid);
  while (left.length > 0 && Date.now() - stopAsked < STOPPED_WITHIN_MS) {
    await new Promise((r) => setTimeout(r, 100));
    left = groupMembers(pgid);
  }
  if (left.length > 0) return fail(`processes of npm start's group left after SIGINT:\n  ${left.join('\n  ')}`);
  if (existsSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'))) return fail('PostgreSQL left its postmaster.pid behind');
  if (existsSync(join(dataDir, 'holder.json'))) return fail('npm start did not release the data dir');
  say(`Ctrl-C: exit 0 in ${((Date.now() - stopAsked) / 1000).toFixed(1)} s, no process of the group left`);
  say('PASS');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    say(`FAIL: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
