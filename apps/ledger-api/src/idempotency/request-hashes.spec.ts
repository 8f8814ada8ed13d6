import type { EventStore, IdempotencyLog, RecordedEvent } from '@ledger/event-store';
import { dataKeyOwner, type DataKey, type DataKeyStore } from '@ledger/security';
import { RequestHashes } from './request-hashes';

/**
 * The customer a payment's command is hashed (and sealed) for: its first event's, read once per payment and then
 * remembered (issue 33). The store and the key store are stand-ins here; the e2e suites run the real ones.
 */
describe('RequestHashes: the owner of a payment command', () => {
  function setup(customers: Record<string, string | null>) {
    const reads: string[] = [];
    const store = {
      readStream: async (streamId: string) => {
        reads.push(streamId);
        const id = streamId.replace(/^payment-/, '');
        if (!(id in customers)) return [];
        const customer = customers[id];
        return [{ streamId, data: customer === null ? { amount: 1 } : { customerId: customer } } as unknown as RecordedEvent];
      },
    } as unknown as EventStore;
    const owners: string[] = [];
    const keys = {
      keyOf: async (owner: string): Promise<DataKey> => {
        owners.push(owner);
        return { id: `k-${owner}`, key: Buffer.alloc(32, owner.length) };
      },
    } as unknown as DataKeyStore;
    const hashes = new RequestHashes(keys, store, {} as IdempotencyLog);
    const claim = (paymentId: string) =>
      hashes.claimFor({ namespace: 'ns', key: `idem-${paymentId}` }, { endpoint: 'processing', params: { id: paymentId }, body: {} });
    return { reads, owners, claim };
  }

  it("reads a payment's first event once, then hashes its next commands under the same customer's key", async () => {
    const { reads, owners, claim } = setup({ p1: 'c-1' });
    const first = await claim('p1');
    const second = await claim('p1');
    expect(reads).toEqual(['payment-p1']);
    expect(owners).toEqual([dataKeyOwner({ customerId: 'c-1', paymentId: '' }), dataKeyOwner({ customerId: 'c-1', paymentId: '' })]);
    expect(second.claim.requestHash).toBe(first.claim.requestHash);
    expect(second.dataKeys).toEqual(first.dataKeys);
  });

  it('remembers a payment without a customer, but never one that does not exist yet', async () => {
    const customers: Record<string, string | null> = { p2: null };
    const { reads, claim } = setup(customers);
    await claim('p2');
    await claim('p2');
    await claim('p3');
    // p3 is created meanwhile, for a customer: its next command reads it and hashes for that customer.
    customers.p3 = 'c-3';
    await claim('p3');
    await claim('p3');
    expect(reads).toEqual(['payment-p2', 'payment-p3', 'payment-p3']);
  });

  it('remembers at most 10,000 payments, the oldest dropped first', async () => {
    const customers = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`p${i}`, `c-${i}`]));
    const { reads, claim } = setup(customers);
    for (let i = 0; i <= 10_000; i++) await claim(`p${i}`);
    await claim('p10000');
    await claim('p1');
    expect(reads).toHaveLength(10_001);
    await claim('p0');
    expect(reads).toHaveLength(10_002);
    expect(reads.at(-1)).toBe('payment-p0');
  });
});
