import { FORGOTTEN } from '@ledger/security';
import { hasPersonalFields, openPersonalFields, sealPersonalFields } from './personal-fields';

const seal = (value: unknown) => `pd1:${JSON.stringify(value)}`;
const open = (value: unknown) =>
  Promise.resolve(typeof value === 'string' && value.startsWith('pd1:') ? (JSON.parse(value.slice(4)) as unknown) : value);

describe('personal fields of an event', () => {
  const data = {
    paymentId: 'p1',
    customerId: 'c1',
    amount: 500,
    currency: 'USD',
    description: 'flowers',
    metadata: { note: 'hi', n: '2' },
    card: { token: 'pm_1', brand: 'visa', last4: '4242' },
  };
  const metadata = { actor: 'key_1', sourceIp: '192.0.2.1', correlationId: 'c' };

  it('seals description, metadata values, the card token and sourceIp, and nothing else', () => {
    const sealed = sealPersonalFields(data, metadata, seal);
    expect(sealed.data).toEqual({
      paymentId: 'p1',
      customerId: 'c1',
      amount: 500,
      currency: 'USD',
      description: 'pd1:"flowers"',
      metadata: { note: 'pd1:"hi"', n: 'pd1:"2"' },
      card: { token: 'pd1:"pm_1"', brand: 'visa', last4: '4242' },
    });
    expect(sealed.metadata).toEqual({ actor: 'key_1', sourceIp: 'pd1:"192.0.2.1"', correlationId: 'c' });
  });

  it('opens what it sealed and passes plaintext from before encryption through', async () => {
    const sealed = sealPersonalFields(data, metadata, seal);
    expect(await openPersonalFields(sealed, open)).toEqual({ data, metadata });
    expect(await openPersonalFields({ data, metadata }, open)).toEqual({ data, metadata });
  });

  it('reads every field as forgotten when the key is gone', async () => {
    const sealed = sealPersonalFields(data, metadata, seal);
    const opened = await openPersonalFields(sealed, (v) => Promise.resolve(typeof v === 'string' && v.startsWith('pd1:') ? FORGOTTEN : v));
    expect(opened.data).toMatchObject({
      amount: 500,
      description: FORGOTTEN,
      metadata: { note: FORGOTTEN, n: FORGOTTEN },
      card: { token: FORGOTTEN },
    });
    expect(opened.metadata.sourceIp).toBe(FORGOTTEN);
  });

  it('seals the free text of failures, refunds, fraud flags and disputes; errorCode and provider ids stay clear (issue 29, case 2)', async () => {
    const failed = { paymentId: 'p1', errorCode: 'card_declined', errorMessage: 'Bob Jones, card declined', failedAt: 't' };
    expect(sealPersonalFields(failed, {}, seal).data).toEqual({ ...failed, errorMessage: 'pd1:"Bob Jones, card declined"' });
    for (const reason of ['customer bob@example.com asked', 'velocity', 'fraudulent']) {
      const refund = { paymentId: 'p1', refundId: 'r1', providerRefundId: 're_1', amount: 5, reason };
      const sealed = sealPersonalFields(refund, {}, seal).data;
      expect(sealed).toEqual({ ...refund, reason: `pd1:${JSON.stringify(reason)}` });
      expect(hasPersonalFields(refund, {})).toBe(true);
      expect(await openPersonalFields({ data: sealed }, open)).toEqual({ data: refund });
    }
    expect(hasPersonalFields({ paymentId: 'p1', errorCode: 'card_declined' }, {})).toBe(false);
  });

  it('knows when an event has nothing to seal (no key is made for it)', () => {
    expect(hasPersonalFields({ paymentId: 'p1', amount: 1 }, { actor: 'a' })).toBe(false);
    expect(hasPersonalFields({ paymentId: 'p1' }, { sourceIp: '::1' })).toBe(true);
    expect(hasPersonalFields({ card: { last4: '4242' } }, {})).toBe(false);
    expect(hasPersonalFields({ card: { token: 't' } }, {})).toBe(true);
  });
});

describe('risk signals (issue 30)', () => {
  it('seals the signals and their keyed tokens as one value', () => {
    const risk = { ipAddress: '192.0.2.7', email: 'a@b.example', tokens: { ip: 'ftok_i', email: 'ftok_e' } };
    const data = { paymentId: 'p1', customerId: 'c1', amount: 1, currency: 'USD', risk };
    expect(hasPersonalFields(data, {})).toBe(true);
    const sealed = sealPersonalFields(data, {}, seal);
    expect(sealed.data).toEqual({ ...data, risk: `pd1:${JSON.stringify(risk)}` });
  });
});
