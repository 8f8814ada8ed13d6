import { once } from 'node:events';
import type { CliIo } from '../io';

/** Writes a chunk and, on a real stream, waits for it to drain: memory stays flat however slow the reader. */
export async function writeOut(io: CliIo, chunk: string): Promise<void> {
  if (!io.out) {
    io.stdout(chunk);
    return;
  }
  if (!io.out.write(chunk)) await once(io.out, 'drain');
}
