import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { serviceHeapFlags } from '@ledger/platform';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
/** Backoff doubles from the first delay up to this, and starts again once a child has stayed up this long. */
const MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

/**
 * The entry of a sibling app: built (`dist/apps/<name>/src/main.js`) when the
 * dev stack runs built, from source (`apps/<name>/src/main.ts`, with the
 * dev stack's own `--require` of the TypeScript hook) when it runs from source.
 */
function appEntry(name: string): string {
  return join(__dirname, '..', '..', name, 'src', `main${extname(__filename)}`);
}

/**
 * One app of `npm start`, run as a child process with its output prefixed by
 * its name, and restarted whenever it exits until `stop()`, as systemd would:
 * after `firstDelayMs`, doubling to 30 s while it keeps dying, one log line each time.
 */
export class SupervisedApp {
  private child?: ChildProcess;
  private stopping = false;
  private failures = 0;
  private restartTimer?: NodeJS.Timeout;
  private readonly tag: string;

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    index: number,
    private readonly firstDelayMs: number,
    private readonly log: (line: string) => void,
  ) {
    this.tag = process.stdout.isTTY ? `${COLOURS[index % COLOURS.length]}[${name}]\x1b[0m` : `[${name}]`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): boolean {
    const entry = appEntry(this.name);
    if (!existsSync(entry)) return false;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, ...serviceHeapFlags(), entry], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${this.tag} ${line}\n`));
    }
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.failures = Date.now() - startedAt >= STABLE_AFTER_MS ? 1 : this.failures + 1;
      const delay = Math.min(MAX_DELAY_MS, this.firstDelayMs * 2 ** (this.failures - 1));
      this.log(`${this.name} exited (${signal ?? `code ${code}`}): restarting in ${delay / 1000} s (restart ${this.failures})`);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
    return true;
  }

  /** SIGTERM, then SIGKILL after 10 s; no restart after this. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
