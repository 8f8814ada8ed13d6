import Stripe from 'stripe';
import type { ApiHarness } from '../../../support/api-harness';
import { STRIPE_SECRET } from '../../webhooks/support/webhook-harness';

const stripe = new Stripe('sk_test_unused');

/** A correctly signed Stripe delivery with headers of our choosing (the webhook suite's helper sends none). */
export async function postSignedStripe(
  api: ApiHarness,
  event: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(`${api.baseUrl}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature, ...headers },
    body: payload,
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
