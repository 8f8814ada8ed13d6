import { pino, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';
import { scrubText } from './scrubber';

export interface CreateLoggerOptions {
  level?: LevelWithSilentOrString;
  name?: string;
  destination?: DestinationStream;
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

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const destination = scrubbingStream(options.destination ?? pino.destination(1));
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
    },
    destination,
  );
}
