import type { AlertPayload } from '../alerts/alert';
import { SIGNATURE_HEADER, signAlertBody } from './signature';

export interface WebhookSinkOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
}

export class WebhookDeliveryError extends Error {
  readonly code = 'alert_webhook_failed';
}

/** POSTs the alert as JSON; receivers dedupe on X-Ledger-Alert-Id, since a retry after a lost answer sends it again. */
export class WebhookSink {
  constructor(private readonly options: WebhookSinkOptions) {}

  async send(alert: AlertPayload): Promise<void> {
    const body = JSON.stringify(alert);
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signAlertBody(body, this.options.secret),
          'X-Ledger-Alert-Id': alert.id,
        },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new WebhookDeliveryError(`alert webhook unreachable: ${(error as Error).message}`);
    }
    await response.body?.cancel();
    if (!response.ok) throw new WebhookDeliveryError(`alert webhook answered ${response.status}`);
  }
}
