import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { deliveryOutcomes } from '@ledger/provider-webhooks';
import { firstLine } from '../context';
import type { Findings } from './findings';

const VIOLATION_KEYS = 'ledger:rl:violations:*';

/** Refusals in the limiter's current hour window, per class, from the API's Redis counters. */
export async function checkRateLimitViolations(redisUrl: string | undefined, findings: Findings): Promise<void> {
  if (!redisUrl) {
    findings.add(
      'Rate limiting',
      'recent violations',
      'warning',
      "not available: REDIS_URL is unset (the counters live in the API's Redis)",
    );
    return;
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const perClass = new Map<string, number>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', VIOLATION_KEYS, 'COUNT', 1000);
      cursor = next;
      const values = keys.length > 0 ? await redis.mget(...keys) : [];
      keys.forEach((key, i) => {
        const limitClass = key.split(':')[3] ?? 'unknown';
        perClass.set(limitClass, (perClass.get(limitClass) ?? 0) + Number(values[i] ?? 0));
      });
    } while (cursor !== '0');
    const total = [...perClass.values()].reduce((a, b) => a + b, 0);
    const detail =
      total === 0 ? 'none in the current hour' : [...perClass].map(([c, n]) => `${c}: ${n}`).join(', ') + ' refused in the current hour';
    findings.add('Rate limiting', 'recent violations', total > 0 ? 'warning' : 'pass', detail);
  } catch (error) {
    findings.add('Rate limiting', 'recent violations', 'warning', `not available: Redis unreachable (${firstLine(error)})`);
  } finally {
    redis.disconnect();
  }
}

/** Signature failures, duplicates absorbed and the rest, from the webhook delivery log (@ledger/provider-webhooks). */
export async function checkWebhookDeliveries(pool: Pool, days: number, provider: string | undefined, findings: Findings): Promise<void> {
  const rows = await deliveryOutcomes(pool, { days, provider });
  if (!rows) {
    findings.add('Webhooks', 'signature failures and duplicates', 'warning', 'not available: no webhook delivery log in this database');
    return;
  }
  const n = (outcome: string) => rows.find((r) => r.outcome === outcome)?.count ?? 0;
  const failures = n('invalid_signature');
  const detail = `${failures} signature failures, ${n('duplicate')} duplicates absorbed, ${n('forbidden_ip')} from outside the IP allowlist in ${days} days`;
  const all = rows.map((r) => `${r.outcome}: ${r.count}`);
  findings.add(
    'Webhooks',
    'signature failures and duplicates',
    failures + n('forbidden_ip') > 0 ? 'warning' : 'pass',
    detail,
    all.length > 0 ? all : undefined,
  );
}
