import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { openPersonalFields } from '@ledger/payments-app';
import { loadConfig, masterKeyring } from '@ledger/platform';
import { DataKeyStore, PersonalDataCipher } from '@ledger/security';
import { startApiHarness, type ApiHarness } from '../../../support/api-harness';

export const STRIPE_SECRET = 'whsec_current_9fJ2kQ8sLm4Np7Rt';
export const STRIPE_OLD_SECRET = 'whsec_previous_3bV6xZ1cD5fG8h';
const PAYSTACK_SECRET = 'sk_test_5c7d9e1f3a5b7c9d1e3f5a7b';

const stripe = new Stripe('sk_test_unused');

/** The real app (createApiApp via startApiHarness), whose ApiModule imports WebhooksModule. */
export async function startWebhookHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  return startApiHarness({
    env: { STRIPE_WEBHOOK_SECRET: `${STRIPE_SECRET},${STRIPE_OLD_SECRET}`, PAYSTACK_SECRET_KEY: PAYSTACK_SECRET, ...env },
  });
}

export interface Posted {
  status: number;
  body: any;
  headers: Headers;
}

async function post(api: ApiHarness, path: string, body: string, headers: Record<string, string>): Promise<Posted> {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The test sees the text.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface StripeSend {
  secret?: string;
  /** Seconds relative to now. */
  skew?: number;
  /** Sent instead of the signed payload (tampering). */
  sentBody?: string;
  header?: string | null;
}

/** Signs the way Stripe does (the stripe package's own test signer) and posts the bytes. */
export function postStripe(api: ApiHarness, event: object | string, opts: StripeSend = {}): Promise<Posted> {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const header =
    opts.header === undefined
      ? stripe.webhooks.generateTestHeaderString({
          payload,
          secret: opts.secret ?? STRIPE_SECRET,
          timestamp: Math.floor(Date.now() / 1000) + (opts.skew ?? 0),
        })
      : opts.header;
  return post(api, '/v1/webhooks/stripe', opts.sentBody ?? payload, header === null ? {} : { 'stripe-signature': header });
}

export function paystackSignature(payload: string, secret = PAYSTACK_SECRET): string {
  return createHmac('sha512', secret).update(payload).digest('hex');
}

export function postPaystack(
  api: ApiHarness,
  event: object | string,
  opts: { secret?: string; header?: string | null } = {},
): Promise<Posted> {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const header = opts.header === undefined ? paystackSignature(payload, opts.secret) : opts.header;
  return post(api, '/v1/webhooks/paystack', payload, header === null ? {} : { 'x-paystack-signature': header });
}

export async function eventsOf(
  api: ApiHarness,
  paymentId: string,
): Promise<{ event_id: string; type: string; data: any; metadata: any }[]> {
  const { rows } = await api.db.pool.query(
    `SELECT event_id, event_type AS type, data, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY revision`,
    [`payment-${paymentId}`],
  );
  // Personal fields are stored encrypted; these tests check what was recorded, so read them as payments:read does.
  const open = new PersonalDataCipher(new DataKeyStore(api.db.pool, masterKeyring(loadConfig({ NODE_ENV: 'test' })))).opener();
  return Promise.all(rows.map((row: { event_id: string; type: string; data: any; metadata: any }) => openPersonalFields(row, open)));
}

export async function eventCount(api: ApiHarness): Promise<number> {
  const { rows } = await api.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events`);
  return Number(rows[0].n);
}

export async function outcomes(api: ApiHarness, provider: string): Promise<Record<string, number>> {
  const { rows } = await api.db.pool.query<{ outcome: string; n: string }>(
    `SELECT outcome, count(*) AS n FROM ledger.webhook_deliveries WHERE provider = $1 GROUP BY outcome`,
    [provider],
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}

export async function paymentIdFor(api: ApiHarness, provider: string, reference: string): Promise<string | undefined> {
  const { rows } = await api.db.pool.query<{ payment_id: string }>(
    `SELECT payment_id FROM ledger.provider_references WHERE provider = $1 AND reference = $2`,
    [provider, reference],
  );
  return rows[0]?.payment_id;
}
