import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';
import { scrubText } from './scrubber';

export interface CreateLoggerOptions {
  level?: LevelWithSilentOrString;
  name?: string;
  destination?: DestinationStream;
  /** Without a destination: 1 (stdout, the default) or 2 (stderr: the CLI, whose stdout is its output, and start failures). */
  fd?: 1 | 2;
  /** Without a destination: append to this file (its directory made if missing), synchronously: a line written is on disk. */
  file?: string;
}

const SENSITIVE_FIELDS = [
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'csc',
  'securityCode',
  'pin',
  'pinBlock',
  'cardNumber',
  'card_number',
  'pan',
  'primaryAccountNumber',
  'track1',
  'track2',
  'trackData',
  'password',
  'secret',
  'apiKey',
  'api_key',
];

export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'card.number',
  '*.card.number',
  ...SENSITIVE_FIELDS,
  ...SENSITIVE_FIELDS.map((field) => `*.${field}`),
];

/**
 * Redaction by path only covers the shapes we thought of; the scrubbing stream
 * sees every serialized line, so a PAN in a message, an error or an unexpected
 * nested field is masked too.
 */
export function scrubbingStream(target: DestinationStream): DestinationStream {
  const flushable = target as DestinationStream & { flush?: (cb?: (err?: Error) => void) => void };
  const stream: DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } = {
    write: (line: string) => target.write(scrubText(line)),
  };
  if (typeof flushable.flush === 'function') stream.flush = (cb) => flushable.flush?.(cb);
  return stream;
}

/**
 * The one log format of every app and the CLI: pino's JSON lines (`level` as a number, `time` in epoch ms,
 * `name` of the app, `msg`), redacted by path and scrubbed of card numbers whatever the shape.
 */
/** Opened here, not by pino: its own `mkdir` spins for ever on a directory it cannot make; this throws (EACCES, ENOENT). */
function openLogFile(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  return openSync(file, 'a');
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const target =
    options.destination ??
    (options.file ? pino.destination({ dest: openLogFile(options.file), sync: true }) : pino.destination(options.fd ?? 1));
  const destination = scrubbingStream(target);
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    },
    destination,
  );
}
