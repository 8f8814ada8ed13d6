import type { DestinationStream } from 'pino';
import { createLogger } from './logger';

const PAN = '4242424242424242';
const hasPan = (text: string): boolean => text.replace(/[ -]/g, '').includes(PAN);

function capture(): { destination: DestinationStream; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  return {
    destination: { write: (chunk: string) => void chunks.push(chunk) },
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('masks a PAN written in the message', () => {
    const out = capture();
    createLogger({ destination: out.destination }).info('charging 4242 4242 4242 4242');
    expect(hasPan(out.raw())).toBe(false);
    expect(out.lines()[0].msg).toBe('charging **** **** **** 4242');
  });

  it('masks a PAN in an unexpected nested field and in a bare number', () => {
    const out = capture();
    createLogger({ destination: out.destination }).info({ payment: { metadata: { note: `card ${PAN}` }, ref: Number(PAN) } }, 'created');
    expect(hasPan(out.raw())).toBe(false);
    expect(out.lines()[0].payment).toEqual({
      metadata: { note: 'card **** **** **** 4242' },
      ref: '**** **** **** 4242',
    });
  });

  it('masks a PAN in an error message and its stack', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    logger.error(new Error(`declined ${PAN.replace(/(\d{4})(?=\d)/g, '$1-')}`));
    logger.error({ err: new Error(`retry ${PAN}`) }, 'provider call failed');
    expect(hasPan(out.raw())).toBe(false);
    const [first, second] = out.lines();
    expect(first.msg).toBe('declined **** **** **** 4242');
    expect((first.err as { stack: string }).stack).toContain('**** **** **** 4242');
    expect((second.err as { message: string }).message).toBe('retry **** **** **** 4242');
  });

  it('redacts known sensitive paths', () => {
    const out = capture();
    createLogger({ destination: out.destination }).info({
      req: { headers: { authorization: 'Bearer lk_whatever', 'x-request-id': 'r1' } },
      body: { cvv: '123', cardNumber: '4111', card: { number: '1', last4: '4242' } },
    });
    const [line] = out.lines();
    expect(line.req).toEqual({ headers: { authorization: '[REDACTED]', 'x-request-id': 'r1' } });
    expect(line.body).toEqual({ cvv: '[REDACTED]', cardNumber: '[REDACTED]', card: { number: '[REDACTED]', last4: '4242' } });
  });

  it('honours level and name', () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination, level: 'warn', name: 'ledger-api' });
    logger.info('dropped');
    logger.warn('kept');
    expect(out.lines()).toEqual([expect.objectContaining({ msg: 'kept', name: 'ledger-api' })]);
  });
});
