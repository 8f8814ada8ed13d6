import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/platform';
import type { Provider } from '@ledger/payments-domain';
import { IpAllowlist, verifyPaystackSignature, verifyStripeSignature, type SignatureCheck } from '@ledger/provider-webhooks';

export const SIGNATURE_HEADERS: Readonly<Record<Provider, string>> = {
  stripe: 'stripe-signature',
  paystack: 'x-paystack-signature',
};

/** The provider's credentials from the typed config: the signature secrets and the optional address allowlists. */
@Injectable()
export class WebhookVerifier {
  private readonly allowlists: Readonly<Record<Provider, IpAllowlist>>;

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {
    this.allowlists = {
      stripe: new IpAllowlist(config.STRIPE_WEBHOOK_ALLOWLIST),
      paystack: new IpAllowlist(config.PAYSTACK_WEBHOOK_ALLOWLIST),
    };
  }

  /** The client address as Express resolved it: X-Forwarded-For counts only behind TRUST_PROXY. */
  allows(provider: Provider, clientIp: string): boolean {
    return this.allowlists[provider].allows(clientIp);
  }

  verify(provider: Provider, rawBody: Buffer, header: string | undefined): SignatureCheck {
    if (provider === 'paystack') {
      return verifyPaystackSignature({ rawBody, header, secret: this.config.PAYSTACK_SECRET_KEY });
    }
    return verifyStripeSignature({
      rawBody,
      header,
      secrets: this.config.STRIPE_WEBHOOK_SECRET,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
  }
}
