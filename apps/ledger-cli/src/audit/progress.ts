import { SingleBar } from 'cli-progress';
import type { CliIo } from '../io';

export interface Progress {
  update(done: number): void;
  stop(done: number): void;
}

/** A bar on a terminal (events done, rate, time left); elsewhere a plain line every few seconds. */
export function createProgress(io: CliIo, label: string, total: number | undefined, everyMs = 5_000): Progress {
  const started = Date.now();
  const tty = io.stderrStream?.isTTY === true;
  if (tty && total !== undefined && total > 0) {
    const bar = new SingleBar({
      stream: io.stderrStream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      fps: 5,
    });
    bar.start(total, 0, { rate: 0 });
    const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 1e-3));
    return {
      update: (done) => bar.update(Math.min(done, total), { rate: rate(done) }),
      stop: (done) => {
        bar.update(Math.min(done, total), { rate: rate(done) });
        bar.stop();
      },
    };
  }
  let last = started;
  const line = (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = Math.round(done / Math.max(seconds, 1e-3));
    const left = total && rate > 0 ? `, ~${Math.ceil(Math.max(total - done, 0) / rate)}s left` : '';
    io.stderr(`${label}: ${done}${total ? `/${total}` : ''} events, ${rate} events/s${left}\n`);
  };
  return {
    update: (done) => {
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      line(done);
    },
    stop: (done) => line(done),
  };
}
