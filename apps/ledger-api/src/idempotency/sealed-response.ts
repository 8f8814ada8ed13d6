import { Injectable } from '@nestjs/common';
import { openPersonalFields, sealPersonalFields } from '@ledger/payments-app';
import { dataKeyOwner, PersonalDataCipher } from '@ledger/security';

type Json = Record<string, unknown>;
const isPayment = (v: unknown): v is Json & { paymentId: string } =>
  typeof v === 'object' && v !== null && typeof (v as Json).paymentId === 'string';

/**
 * A stored response holds no plaintext personal data: the payment's personal fields are sealed under its
 * owner's data key, like the events, and opened again on replay. The same bytes come back while the key
 * lives; once the customer is forgotten a replay reads their fields as forgotten, like every other read.
 */
@Injectable()
export class SealedResponses {
  constructor(private readonly cipher: PersonalDataCipher) {}

  async seal(value: unknown, cipher = this.cipher): Promise<string> {
    if (!isPayment(value)) return JSON.stringify(value);
    const seal = await cipher.sealerFor(dataKeyOwner(value));
    return JSON.stringify(sealPersonalFields(value, {}, seal).data);
  }

  async open(stored: string): Promise<string> {
    if (!stored.includes('"pd1:')) return stored;
    const value = JSON.parse(stored) as unknown;
    if (!isPayment(value)) return stored;
    const opened = await openPersonalFields({ data: value }, this.cipher.opener());
    return JSON.stringify(opened.data);
  }
}
