/**
 * SIGTERM / SIGINT of a service, caught from its first line. A signal that comes while the service is still
 * starting (the embedded PostgreSQL booting, the store being waited for, the metrics port being bound) is held:
 * the start is cut short or, once it is done, the orderly stop runs at once. Without it the signal's default
 * action killed the process half-started: no exit 0, and the embedded services it had started left running.
 *
 * The first signal is taken; the listeners are removed with it, so a handler that re-raises the signal
 * (NestJS's shutdown hooks do, after closing) is not swallowed here.
 */
export interface StopSignal {
  /** Aborted when the first SIGTERM or SIGINT comes. */
  readonly signal: AbortSignal;
  /** The signal's name, once one came. */
  readonly received: Promise<NodeJS.Signals>;
  /** The name of the signal that came, or null. */
  readonly name: () => NodeJS.Signals | null;
}

export function catchStopSignal(onSignal?: (name: NodeJS.Signals) => void): StopSignal {
  const controller = new AbortController();
  let name: NodeJS.Signals | null = null;
  let resolve!: (name: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const listeners = signals.map((signal) => {
    const listener = () => {
      for (const [i, s] of signals.entries()) process.removeListener(s, listeners[i]);
      name = signal;
      onSignal?.(signal);
      controller.abort();
      resolve(signal);
    };
    process.on(signal, listener);
    return listener;
  });
  return { signal: controller.signal, received, name: () => name };
}
