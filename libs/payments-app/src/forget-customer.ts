import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ledger/event-store';
import { CustomerTokens, dataKeyOwner, type DataKeyStore } from '@ledger/security';

/** Not a `payment-` stream: the projector reads those only, and this event changes no read model. */
export const customerStreamId = (customerId: string) => `customer-${customerId}`;
export const CUSTOMER_FORGOTTEN = 'CustomerForgotten';

export interface ForgetResult {
  readonly customerId: string;
  readonly keysDestroyed: number;
  readonly forgottenAt: string;
}

/**
 * Crypto-shredding: the record of who asked is appended first, then the
 * customer's data key is deleted, so a crash in between leaves a request
 * that a rerun completes, never a key destroyed without a record. The id is
 * taken as the customer gave it: one that is personal data (an e-mail, a
 * name, a phone number) is stored as its keyed token, derived here, so the
 * record names the token, never the raw value (issue 29, case 1).
 */
export async function forgetCustomer(
  store: EventStore,
  keys: DataKeyStore,
  request: { customerId: string; actor: string; correlationId?: string; now?: Date },
): Promise<ForgetResult> {
  const customerId = await new CustomerTokens(keys).pseudonymOf(request.customerId);
  const forgottenAt = (request.now ?? new Date()).toISOString();
  const correlationId = request.correlationId ?? randomUUID();
  await store.appendToStream(
    customerStreamId(customerId),
    [
      {
        eventId: randomUUID(),
        type: CUSTOMER_FORGOTTEN,
        data: { customerId, requestedBy: request.actor, forgottenAt },
        metadata: { actor: request.actor, correlationId, causationId: correlationId, occurredAt: forgottenAt, schemaVersion: 1 },
      },
    ],
    'any',
  );
  let keysDestroyed = await keys.forget(dataKeyOwner({ customerId, paymentId: '' }));
  // A key named after the raw value, made before such ids were tokenised (a webhook's e-mail): destroyed too.
  if (customerId !== request.customerId)
    keysDestroyed += await keys.forget(dataKeyOwner({ customerId: request.customerId, paymentId: '' }));
  return { customerId, keysDestroyed, forgottenAt };
}
