import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const LIB = JSON.stringify(join(ROOT, 'libs/monitoring/src'));

/** What a fresh process has loaded after `script`: whether any module of BullMQ is among them. */
function bullmqLoadedAfter(script: string): boolean {
  const child = spawnSync(
    process.execPath,
    [
      '--require',
      join(ROOT, 'test/support/swc-register.js'),
      '-e',
      `${script}; process.stdout.write(String(Object.keys(require.cache).some((f) => /node_modules\\/bullmq\\//.test(f))))`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout === 'true';
}

/** Issue 33 (API RSS): the API imports the lib for its alert rules and never makes a queue. */
describe('BullMQ, loaded at the first queue made', () => {
  it('is not loaded by importing the lib', () => {
    expect(bullmqLoadedAfter(`require(${LIB})`)).toBe(false);
  });

  it('is loaded once a queue is made', () => {
    expect(bullmqLoadedAfter(`const q = require(${LIB}).createAlertQueue('redis://127.0.0.1:1'); void q.close()`)).toBe(true);
  });
});
