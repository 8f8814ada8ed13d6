import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, IDEMPOTENCY_LOG, type EventStore, type IdempotencyClaim, type IdempotencyLog } from '@ledger/event-store';
import { paymentStreamId } from '@ledger/payments-domain';
import { customerIdSchema, dataKeyOwner, keyedRequestHash, paymentIdSchema, PersonalDataCipher, requestHashKeyId } from '@ledger/security';
import { ApiError } from '../http/api-error';
import { canonicalRequest, requestHash, type IdempotentRequest } from './hashing';

/** Requests that name no customer: their hashes share one key, which no forget destroys (there is no one to forget). */
const NO_CUSTOMER = 'request-hash:no-customer';

/**
 * The hash an Idempotency-Key is bound to, keyed per customer (issue 29, case 5): under the customer's data key
 * (the one `forget` destroys), named in the hash. A retry is hashed under the key its first request's hash
 * names; once that key is gone the retry is refused with 422 `idempotency_key_forgotten`, since nothing can tell
 * whether it is the same request (and nothing should be able to confirm a guess).
 */
@Injectable()
export class RequestHashes {
  constructor(
    private readonly cipher: PersonalDataCipher,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_LOG) private readonly log: IdempotencyLog,
  ) {}

  async hashFor(claim: Pick<IdempotencyClaim, 'namespace' | 'key'>, request: IdempotentRequest): Promise<string> {
    const canonical = canonicalRequest(request);
    const stored = await this.log.storedRequestHash(claim);
    if (stored !== undefined) {
      const keyId = requestHashKeyId(stored);
      // A record stored before keyed hashes: compared as it was made, until it expires.
      if (keyId === undefined) return requestHash(request);
      const key = await this.cipher.keys.find(keyId);
      if (!key) {
        throw new ApiError(
          422,
          'idempotency_key_forgotten',
          'This Idempotency-Key was used for a customer who has since been forgotten; use a new key',
        );
      }
      return keyedRequestHash({ id: keyId, key }, canonical);
    }
    return keyedRequestHash(await this.cipher.keys.keyFor(await this.ownerOf(request)), canonical);
  }

  /** The customer of the body (a create), else of the payment the path names, else none. */
  private async ownerOf({ params, body }: IdempotentRequest): Promise<string> {
    const named = customerIdSchema.safeParse((body as { customerId?: unknown } | null | undefined)?.customerId);
    if (named.success) return dataKeyOwner({ customerId: named.data, paymentId: '' });
    const paymentId = paymentIdSchema.safeParse(params.id);
    if (!paymentId.success) return NO_CUSTOMER;
    const [first] = await this.store.readStream(paymentStreamId(paymentId.data), { maxCount: 1 });
    const customerId = customerIdSchema.safeParse((first?.data as { customerId?: unknown } | undefined)?.customerId);
    return customerId.success ? dataKeyOwner({ customerId: customerId.data, paymentId: '' }) : NO_CUSTOMER;
  }
}
