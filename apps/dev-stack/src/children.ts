import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serviceHeapFlags } from '@ledger/platform';

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];

/** Runs a built app as a child process, its output prefixed with its name. */
export function startApp(name: string, distRoot: string, env: NodeJS.ProcessEnv, index: number): ChildProcess | undefined {
  const entry = join(distRoot, 'apps', name, 'src', 'main.js');
  if (!existsSync(entry)) return undefined;
  const child = spawn(process.execPath, [...serviceHeapFlags(), entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = process.stdout.isTTY ? `${COLOURS[index % COLOURS.length]}[${name}]\x1b[0m` : `[${name}]`;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${tag} ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') process.stdout.write(`${tag} exited (${signal ?? code})\n`);
  });
  return child;
}

export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
