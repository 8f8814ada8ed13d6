import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ledger/platform';
import { createApiKey, type Scope, SCOPES } from '@ledger/security';
import { createApiApp } from '../../apps/ledger-api/src/app';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from './databases';

export interface ApiHarness {
  readonly baseUrl: string;
  /** One key per scope. */
  readonly keys: Record<Scope, string>;
  readonly keyIds: Record<Scope, string>;
  readonly db: TestDatabase;
  readonly rateLimitPrefix: string;
  /** Every log line the app wrote, as written (after scrubbing). */
  readonly logs: string[];
  close(): Promise<void>;
}

const GENEROUS_LIMITS =
  'payment=100000/1m,payment_key=100000/1m,refund=100000/1m,status=100000/1m,api=100000/1m,webhook=100000/1m,auth_failure=100000/1m';

/** The real HTTP server on an ephemeral port, on a fresh database and its own Redis key prefix. */
export async function startApiHarness(
  options: { env?: Record<string, string>; redisUrl?: string; rateLimitPrefix?: string } = {},
): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', RATE_LIMITS: GENEROUS_LIMITS, LOG_LEVEL: 'info', ...options.env });
  const logs: string[] = [];
  const rateLimitPrefix = options.rateLimitPrefix ?? uniquePrefix('api');
  const { app } = await createApiApp({
    config,
    databaseUrl: db.url,
    redisUrl: options.redisUrl ?? testServices().redisUrl,
    rateLimitPrefix,
    logDestination: { write: (line: string) => void logs.push(line) },
    poolSize: 40,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const keys = {} as Record<Scope, string>;
  const keyIds = {} as Record<Scope, string>;
  for (const scope of SCOPES) {
    const created = await createApiKey(db.pool, { name: `test ${scope}`, scopes: [scope] });
    keys[scope] = created.key;
    keyIds[scope] = created.id;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    keys,
    keyIds,
    db,
    rateLimitPrefix,
    logs,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** fetch with JSON in and out; `body` may be a raw string to send malformed input as is. */
export async function call(
  harness: Pick<ApiHarness, 'baseUrl'>,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(`${harness.baseUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the test will see the text.
  }
  return { status: res.status, body, text, headers: res.headers };
}
