import { randomBytes } from 'node:crypto';
import { classifyCustomerId, CustomerTokens, InvalidCustomerIdError } from './customer-ids';

const keyStore = () => {
  const keys = new Map<string, { id: string; key: Buffer }>();
  return {
    owners: keys,
    keyFor: async (owner: string) => {
      if (!keys.has(owner)) keys.set(owner, { id: `k${keys.size}`, key: randomBytes(32) });
      return keys.get(owner)!;
    },
  };
};

describe('classifyCustomerId', () => {
  it.each(['cus_NffrFeUfNV2Hib', 'CUS_xnxdt6s1zg1f4nx', '12345678', 'cust-5f0c7b2e-1d7a-4c1e-9a61-2f4bbd1c4e11', 'acme:42', 'bob.jones'])(
    'keeps the plain id %s',
    (id) => expect(classifyCustomerId(id)).toBe('plain'),
  );

  it.each([
    'bob.jones@example.com',
    'Alice@Example.CO.UK',
    '+15551234567',
    '+44 20 7946 0958',
    '(555) 123-4567',
    'Bob Jones',
    'Zoë Ngozi Adébáyọ̀',
  ])('finds personal data in %s', (id) => expect(classifyCustomerId(id)).toBe('personal'));

  it.each(['', ' ', 'a'.repeat(256), '4242 4242 4242 4242', 'x<script>', 'semi;colon'])('refuses %j', (id) =>
    expect(classifyCustomerId(id)).toBe('invalid'),
  );
});

describe('CustomerTokens', () => {
  it('replaces personal data by a keyed token, the same for the same person however written', async () => {
    const keys = keyStore();
    const tokens = new CustomerTokens(keys);
    const token = await tokens.pseudonymOf('bob.jones@example.com');
    expect(token).toMatch(/^ctok_[\w-]{43}$/);
    expect(classifyCustomerId(token)).toBe('plain');
    expect(await tokens.pseudonymOf(' Bob.Jones@Example.com ')).toBe(token);
    expect(await tokens.pseudonymOfProvided('bob.jones@example.com')).toBe(token);
    expect(await tokens.pseudonymOf('+1 555 123 4567')).toBe(await tokens.pseudonymOf('+1-555-123-4567'));
    expect(await tokens.pseudonymOf('alice@example.com')).not.toBe(token);
    expect([...keys.owners.keys()]).toEqual(['token-key:customer-id']);
  });

  it('depends on the key: another key store gives another token (a guess cannot be hashed without it)', async () => {
    const a = await new CustomerTokens(keyStore()).pseudonymOf('bob.jones@example.com');
    const b = await new CustomerTokens(keyStore()).pseudonymOf('bob.jones@example.com');
    expect(a).not.toBe(b);
  });

  it('keeps plain ids, refuses invalid ones from a client, and tokenises a provider value outside our set', async () => {
    const tokens = new CustomerTokens(keyStore());
    expect(await tokens.pseudonymOf('cus_123')).toBe('cus_123');
    await expect(tokens.pseudonymOf('semi;colon')).rejects.toBeInstanceOf(InvalidCustomerIdError);
    expect(await tokens.pseudonymOfProvided('semi;colon')).toMatch(/^ctok_/);
  });

  it('keeps provider references in clear unless one holds an e-mail or a card-like run: then a keyed token, never a mask', async () => {
    const tokens = new CustomerTokens(keyStore());
    for (const plain of ['pi_3MtwBwLkdIwHu7ix28a3tqPa', 'ch_3MtwBwLkdIwHu7ix0snN0B15', 'T685312322670591', 'ref@refund:refund.processed:1'])
      expect(await tokens.providerReferenceOf(plain)).toBe(plain);
    const email = await tokens.providerReferenceOf('order-for-carol@example.com');
    expect(email).toMatch(/^rtok_[\w-]{43}$/);
    expect(await tokens.providerReferenceOf('order-for-carol@example.com')).toBe(email);
    const [a, b] = [await tokens.providerReferenceOf('ref-4242424242424242'), await tokens.providerReferenceOf('ref-4000056655665556')];
    expect(a).toMatch(/^rtok_/);
    expect(a).not.toBe(b); // masking both to their last four digits would not tell them apart
  });
});
