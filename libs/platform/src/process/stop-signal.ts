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
  /**
   * For a service with nothing in flight until it has started: from now until `started()`, a signal runs `abandon`
   * (stop what was started, such as the embedded services) and exits 0; at once if one already came. `started()`
   * hands the stop back to the service, and answers false when the exit is already under way (the caller returns).
   */
  exitWhileStarting(abandon: () => Promise<void>): () => boolean;
}

export function catchStopSignal(onSignal?: (name: NodeJS.Signals) => void): StopSignal {
  const controller = new AbortController();
  let resolve!: (name: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const listeners = signals.map((signal) => {
    const listener = () => {
      for (const [i, s] of signals.entries()) process.removeListener(s, listeners[i]);
      onSignal?.(signal);
      controller.abort();
      resolve(signal);
    };
    process.on(signal, listener);
    return listener;
  });
  const exitWhileStarting = (abandon: () => Promise<void>) => {
    const exit = () => void abandon().then(() => process.exit(0));
    if (controller.signal.aborted) exit();
    else controller.signal.addEventListener('abort', exit, { once: true });
    return () => {
      controller.signal.removeEventListener('abort', exit);
      return !controller.signal.aborted;
    };
  };
  return { signal: controller.signal, received, exitWhileStarting };
}
