/** A signed payload whose content we cannot map (bad amount, unknown currency, missing id): 400. */
export class WebhookPayloadError extends Error {
  readonly code = 'invalid_payload';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'WebhookPayloadError';
  }
}

export type SignatureFailure =
  'missing_header' | 'malformed_header' | 'timestamp_out_of_tolerance' | 'no_matching_signature' | 'not_configured';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

export const signatureOk: SignatureCheck = { ok: true };
export const signatureFailed = (reason: SignatureFailure): SignatureCheck => ({ ok: false, reason });
