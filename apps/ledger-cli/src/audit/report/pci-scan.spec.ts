import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLogs } from './pci-scan';

describe('scanLogs', () => {
  const scan = async (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'pci-scan-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return scanLogs(dir);
  };

  it('finds PANs by Luhn, brand prefix and length, with or without separators, naming file and line only', async () => {
    const result = await scan({
      'a.log': 'ok\npaid with 5555-5555-5555-4444 today\n',
      'nested/b.log': '{"msg":"amex 378282246310005"}\n',
    });
    expect(result).toEqual({ scanned: 2, hits: ['a.log:2: mastercard PAN ****4444', 'nested/b.log:1: amex PAN ****0005'] });
  });

  it('finds CVV fields in JSON lines and CVV values in text lines', async () => {
    const result = await scan({ 'c.log': '{"body":{"card":{"cvc":"123"}}}\nform cvv=987 posted\n' });
    expect(result.hits).toEqual(['c.log:1: card data in body.card.cvc', 'c.log:2: CVV/CVC value']);
  });

  it('passes masked cards, Luhn-failing numbers, UUIDs and amounts', async () => {
    const result = await scan({
      'd.log': [
        '{"card":{"token":"tok_visa","brand":"visa","last4":"4242"}}',
        'card **** **** **** 4242',
        'order 4111111111111112 amount 1999',
        'payment 3f1c2a9e-8d4b-4c1a-9e2f-1234567890ab',
      ].join('\n'),
    });
    expect(result.hits).toEqual([]);
  });
});

describe('scanLogs with the shared detector', () => {
  it('finds rendered PANs in a JSON value but never joins two values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pci-scan-'));
    writeFileSync(
      join(dir, 'e.log'),
      [JSON.stringify({ msg: 'card 4111\t1111.1111\u00a01111' }), JSON.stringify({ parts: ['4111', '1111', '1111', '1111'] })].join('\n'),
    );
    expect((await scanLogs(dir)).hits).toEqual(['e.log:1: visa PAN ****1111']);
  });
});
