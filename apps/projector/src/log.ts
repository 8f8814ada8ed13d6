import type { Logger } from 'pino';
import { RepeatCollapser, type RepeatCollapserOptions } from '@ledger/security';

export type ProjectorLog = ((message: string, fields?: Record<string, unknown>) => void) & { flush(): void };

/** Lines that repeat while the database is away (every retry of every runner): collapsed per projection. */
const REPEATING: Record<string, 'warn' | 'error'> = {
  'projection interrupted: database unavailable, resuming from the checkpoint': 'warn',
  'database unavailable at start; waiting for it': 'warn',
};
const LEVELS: Record<string, 'warn' | 'error'> = {
  'projection stopped on an error': 'error',
  'metrics port taken; running without metrics (set another port for this instance)': 'warn',
};

/**
 * The projector's `log(message, fields)` (what ProjectionRunner, waitForEventStore and the metrics server
 * call) written through the app's scrubbing pino logger. While PostgreSQL is down every runner retries once
 * a second: its "interrupted" line is written once in full, then one `N more like this` line per interval
 * (RepeatCollapser); the run ends when that projection is active again, so the next outage is told in full.
 */
export function projectorLog(logger: Logger, options: RepeatCollapserOptions = {}): ProjectorLog {
  const repeats = new RepeatCollapser(logger, options);
  const keyOf = (message: string, fields: Record<string, unknown>) => `${message}|${String(fields.projection ?? '')}`;
  const log = (message: string, fields: Record<string, unknown> = {}) => {
    const repeating = REPEATING[message];
    if (repeating) {
      const { error, ...brief } = fields;
      repeats.log(repeating, keyOf(message, fields), message, fields, brief, typeof error === 'string' ? error : undefined);
      return;
    }
    if (message === 'projection active') {
      for (const m of Object.keys(REPEATING)) repeats.end(keyOf(m, fields));
      repeats.end(keyOf('database unavailable at start; waiting for it', {}));
    }
    logger[LEVELS[message] ?? 'info'](fields, message);
  };
  return Object.assign(log, { flush: () => repeats.flush() });
}
