import { isSealed, type Open, type Seal } from '@ledger/security';

/**
 * Which stored fields hold personal data or credentials (libs/security
 * README, "Personal data at rest"): the free text (`data.description`,
 * `data.errorMessage`, every `data.reason`: refund, fraud flag, dispute;
 * issue 29, case 2), every value of `data.metadata`, `data.card.token` and
 * `metadata.sourceIp`, and the risk signals with their keyed tokens (`data.risk`, one sealed value; issue 30). Amounts, currencies, statuses, provider, `errorCode`
 * (a validated identifier) and the pseudonymous ids stay clear.
 */
type Json = Record<string, unknown>;

/** Free text a client or a provider wrote (anything may be in it), and the risk signals: each sealed whole. */
const FREE_TEXT = ['description', 'errorMessage', 'reason', 'risk'] as const;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function hasPersonalFields(data: unknown, metadata: Json): boolean {
  if (metadata.sourceIp !== undefined) return true;
  if (!isObject(data)) return false;
  return (
    FREE_TEXT.some((field) => data[field] !== undefined) ||
    isObject(data.metadata) ||
    (isObject(data.card) && data.card.token !== undefined)
  );
}

/** Synchronous: the data key was fetched before, so a whole event is sealed with one key. */
export function sealPersonalFields(data: unknown, metadata: Json, seal: Seal): { data: unknown; metadata: Json } {
  const sealedMetadata = metadata.sourceIp === undefined ? metadata : { ...metadata, sourceIp: seal(metadata.sourceIp) };
  return { data: mapFields(data, seal), metadata: sealedMetadata };
}

/** Events stored before encryption are read as they are (plaintext); a forgotten value reads as FORGOTTEN. */
export async function openPersonalFields<E extends { data: unknown; metadata?: unknown }>(event: E, open: Open): Promise<E> {
  const metadata =
    isObject(event.metadata) && isSealed(event.metadata.sourceIp)
      ? { ...event.metadata, sourceIp: await open(event.metadata.sourceIp) }
      : event.metadata;
  const opened = new Map<unknown, unknown>();
  const sealed: unknown[] = [];
  mapFields(event.data, (v) => (sealed.push(v), v));
  for (const value of sealed) opened.set(value, await open(value));
  return { ...event, data: mapFields(event.data, (v) => opened.get(v)), metadata };
}

function mapFields(data: unknown, f: (value: unknown) => unknown): unknown {
  if (!isObject(data)) return data;
  const out: Json = { ...data };
  for (const field of FREE_TEXT) if (data[field] !== undefined) out[field] = f(data[field]);
  if (isObject(data.metadata)) out.metadata = Object.fromEntries(Object.entries(data.metadata).map(([k, v]) => [k, f(v)]));
  if (isObject(data.card) && data.card.token !== undefined) out.card = { ...data.card, token: f(data.card.token) };
  return out;
}
