import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, IDEMPOTENCY_LOG, type EventStore, type IdempotencyClaim, type IdempotencyLog } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/payments-domain';
import {
  customerIdSchema,
  DataKeyStore,
  dataKeyOwner,
  keyedRequestHash,
  paymentIdSchema,
  requestHashKeyId,
  type OwnedDataKey,
} from '@ledger/security';
import { ApiError } from '../http/api-error';
import { canonicalRequest, requestHash, type IdempotentRequest } from './hashing';

/** Requests that name no customer: their hashes share one key, which no forget destroys (there is no one to forget). */
const NO_CUSTOMER = 'request-hash:no-customer';

/**
 * Payments whose customer this process remembers at most (issue 33): the most recently read, about 1.5 MB. A payment's
 * customer is its first event's, fixed for good, so the payment's next commands skip the read of that event.
 */
const REMEMBERED_OWNERS = 10_000;

/**
 * The hash an Idempotency-Key is bound to, keyed per customer (issue 29, case 5): under the customer's data key
 * (the one `forget` destroys), named in the hash. A retry is hashed under the key its first request's hash
 * names; once that key is gone the retry is refused with 422 `idempotency_key_forgotten`, since nothing can tell
 * whether it is the same request (and nothing should be able to confirm a guess).
 *
 * When the customer has a key, the request is hashed under it without first looking for a record under the
 * Idempotency-Key (issue 33: one round trip fewer for nearly every command): the claim itself finds any record,
 * and a record whose hash names another key (the customer was forgotten and has paid again since, or a record
 * from before keyed hashes) has this request hashed again its way (`rehash`). When the customer has no key yet,
 * the record is looked up first, so that a retry after forget gets its 422 before a new key is made.
 */
@Injectable()
export class RequestHashes {
  /** Payment id → its data-key owner, from its first event (never from a request's body), oldest dropped first. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly keys: DataKeyStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_LOG) private readonly log: IdempotencyLog,
  ) {}

  /**
   * The claim of this request under its Idempotency-Key (`scope`): its hash, and how to hash it again a record's way;
   * with the customer's data key when the hash was made under it, for the command's own sealing (one lookup, not two).
   */
  async claimFor(
    scope: Pick<IdempotencyClaim, 'namespace' | 'key'>,
    request: IdempotentRequest,
  ): Promise<{ claim: IdempotencyClaim; dataKeys: OwnedDataKey[] }> {
    const canonical = canonicalRequest(request);
    const rehash = (stored: string) => this.hashLike(stored, request, canonical);
    const owner = await this.ownerOf(request);
    const existing = await this.keys.keyOf(owner);
    if (existing)
      return { claim: { ...scope, requestHash: keyedRequestHash(existing, canonical), rehash }, dataKeys: [{ owner, key: existing }] };
    const stored = await this.log.storedRequestHash(scope);
    if (stored !== undefined) return { claim: { ...scope, requestHash: await rehash(stored) }, dataKeys: [] };
    const created = await this.keys.create(owner);
    return { claim: { ...scope, requestHash: keyedRequestHash(created, canonical) }, dataKeys: [{ owner, key: created }] };
  }

  /** This request hashed the way `stored` was: under the data key it names, or unkeyed as before keyed hashes. */
  private async hashLike(stored: string, request: IdempotentRequest, canonical: string): Promise<string> {
    const keyId = requestHashKeyId(stored);
    // A record stored before keyed hashes: compared as it was made, until it expires.
    if (keyId === undefined) return requestHash(request);
    const key = await this.keys.find(keyId);
    if (!key) {
      throw new ApiError(
        422,
        'idempotency_key_forgotten',
        'This Idempotency-Key was used for a customer who has since been forgotten; use a new key',
      );
    }
    return keyedRequestHash({ id: keyId, key }, canonical);
  }

  /** The customer of the body (a create), else of the payment the path names, else none. */
  private async ownerOf({ params, body }: IdempotentRequest): Promise<string> {
    const named = customerIdSchema.safeParse((body as { customerId?: unknown } | null | undefined)?.customerId);
    if (named.success) return dataKeyOwner({ customerId: named.data, paymentId: '' });
    const paymentId = paymentIdSchema.safeParse(params.id);
    if (!paymentId.success) return NO_CUSTOMER;
    const remembered = this.owners.get(paymentId.data);
    if (remembered !== undefined) return remembered;
    const [first] = await this.store.readStream(paymentStreamId(paymentId.data), { maxCount: 1 });
    // No payment yet: nothing to remember (it may be created, for any customer).
    if (!first) return NO_CUSTOMER;
    const customerId = customerIdSchema.safeParse((first.data as { customerId?: unknown } | undefined)?.customerId);
    const owner = customerId.success ? dataKeyOwner({ customerId: customerId.data, paymentId: '' }) : NO_CUSTOMER;
    if (this.owners.size >= REMEMBERED_OWNERS) this.owners.delete(this.owners.keys().next().value as string);
    this.owners.set(paymentId.data, owner);
    return owner;
  }
}
