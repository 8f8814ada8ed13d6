import type { Pool } from 'pg';
import { customerKeysNamedInClear, DataKeyStore, dataKeysByMasterKey, lastPlaintextPosition, type Keyring } from '@ledger/security';
import type { Findings } from './findings';

/** How many of the latest events with personal fields are sampled. */
const ENCRYPTION_SAMPLE = 1000;
const SEALED = `'pd1:%'`;
const plain = (expr: string) => `(${expr} IS NOT NULL AND ${expr} NOT LIKE ${SEALED})`;

/** A stored event holding a personal field (libs/security README, "Personal data at rest") in plaintext. */
const PLAINTEXT = `(${plain(`data->>'description'`)} OR ${plain(`data->'card'->>'token'`)} OR ${plain(`metadata->>'sourceIp'`)}
  OR (jsonb_typeof(data->'metadata') = 'object'
      AND EXISTS (SELECT 1 FROM jsonb_each_text(data->'metadata') m WHERE m.value IS NULL OR m.value NOT LIKE ${SEALED})))`;
const PERSONAL = `(data ? 'description' OR data ? 'metadata' OR data->'card' ? 'token' OR metadata ? 'sourceIp')`;

/**
 * Whether encryption is in effect, from what is stored rather than from a variable: the latest events with
 * personal fields must hold ciphertext there (a violation otherwise); plaintext stored before encryption
 * began is a warning with its count and positions, since those events can never be forgotten.
 */
export async function checkEncryptionAtRest(pool: Pick<Pool, 'query'>, findings: Findings): Promise<void> {
  const last = ((await lastPlaintextPosition(pool)) ?? 0n).toString();
  const sample = await pool.query<{ position: string; plaintext: boolean }>(
    `SELECT global_position::text AS position, ${PLAINTEXT} AS plaintext FROM event_store.events
      WHERE stream_id LIKE 'payment-%' AND global_position > $1 AND ${PERSONAL}
      ORDER BY global_position DESC LIMIT $2`,
    [last, ENCRYPTION_SAMPLE],
  );
  const bad = sample.rows.filter((r) => r.plaintext).map((r) => `event at position ${r.position}`);
  if (sample.rows.length === 0)
    findings.add('PCI', 'personal data encrypted', 'warning', 'no event with personal fields stored since encryption began');
  else if (bad.length > 0)
    findings.add(
      'PCI',
      'personal data encrypted',
      'violation',
      `${bad.length} of the ${sample.rows.length} latest events with personal fields hold plaintext`,
      bad.reverse(),
    );
  else
    findings.add('PCI', 'personal data encrypted', 'pass', `the ${sample.rows.length} latest events with personal fields hold ciphertext`);

  const legacy = await pool.query<{ n: number; positions: string[] }>(
    `SELECT count(*)::int AS n, (array_agg(global_position::text ORDER BY global_position))[1:20] AS positions
       FROM event_store.events WHERE stream_id LIKE 'payment-%' AND global_position <= $1 AND ${PLAINTEXT}`,
    [last],
  );
  const { n, positions } = legacy.rows[0];
  if (n > 0)
    findings.add(
      'PCI',
      'plaintext from before encryption',
      'warning',
      `${n} events stored before encryption began hold personal data in plaintext; they cannot be forgotten`,
      (positions ?? []).map((p) => `event at position ${p}`),
    );
}

const FREE_TEXT_PLAIN = `(${plain(`data->>'errorMessage'`)} OR ${plain(`data->>'reason'`)})`;

/**
 * Free text (`errorMessage`, every `reason`) is sealed since issue 29 (case 2); events stored before keep it in
 * clear, since the log is never rewritten. Counted as a warning (they cannot be forgotten); free text in clear
 * stored after the first sealed one means sealing stopped: a violation.
 */
export async function checkFreeTextSealed(pool: Pick<Pool, 'query'>, findings: Findings): Promise<void> {
  const { rows } = await pool.query<{ first_sealed: string | null; n: number; after: number; positions: string[] | null }>(
    `WITH ft AS (
       SELECT global_position AS p, ${FREE_TEXT_PLAIN} AS plaintext FROM event_store.events
        WHERE stream_id LIKE 'payment-%' AND (data ? 'errorMessage' OR data ? 'reason'))
     SELECT s.first_sealed::text AS first_sealed,
            count(*) FILTER (WHERE plaintext)::int AS n,
            count(*) FILTER (WHERE plaintext AND p > s.first_sealed)::int AS after,
            (array_agg(p::text ORDER BY p) FILTER (WHERE plaintext))[1:20] AS positions
       FROM ft, (SELECT min(p) AS first_sealed FROM ft WHERE NOT plaintext) s
      GROUP BY s.first_sealed`,
  );
  const row = rows[0];
  const check = 'free text sealed';
  if (!row) {
    findings.add('PCI', check, 'pass', 'no event with free text (errorMessage, reason) stored');
    return;
  }
  const where = (row.positions ?? []).map((p) => `event at position ${p}`);
  if (row.after > 0)
    findings.add('PCI', check, 'violation', `${row.after} events hold free text in clear after free text was first sealed`, where);
  else if (row.n > 0)
    findings.add(
      'PCI',
      check,
      'warning',
      `${row.n} events stored before free text was sealed hold errorMessage or reason in clear; they cannot be forgotten`,
      where,
    );
  else findings.add('PCI', check, 'pass', 'every stored errorMessage and reason is sealed');
}

/** A customer id stored before tokens (issue 29, case 1) that is personal data: an e-mail, a phone number, a name. */
const PERSONAL_ID = `'@|^\\+|\\s'`;

/**
 * Customer ids that are personal data, stored in clear before they were tokenised: in events (never rewritten, so
 * they stay) and in data key names (`customer:<id>`, destroyed by a forget of that id). A warning with the counts.
 */
export async function checkCustomerIdsPseudonymous(pool: Pick<Pool, 'query'>, findings: Findings): Promise<void> {
  const { rows } = await pool.query<{ events: number; positions: string[] | null }>(
    `SELECT count(*)::int AS events, (array_agg(global_position::text ORDER BY global_position))[1:20] AS positions
       FROM event_store.events WHERE stream_id LIKE 'payment-%' AND data->>'customerId' ~ ${PERSONAL_ID}`,
  );
  const { events, positions } = rows[0];
  const keys = await customerKeysNamedInClear(pool);
  const check = 'customer ids pseudonymous';
  if (events === 0 && keys === 0) {
    findings.add('PCI', check, 'pass', 'no stored customer id is an e-mail address, phone number or name');
    return;
  }
  findings.add(
    'PCI',
    check,
    'warning',
    `${events} events and ${keys} data key names hold a customer id that is personal data in clear, stored before such ids ` +
      'were tokenised; the events keep it (the log is never rewritten), `customers forget <id>` destroys the key',
    (positions ?? []).map((p) => `event at position ${p}`),
  );
}

/**
 * Whether the master key found where the apps find it (ENCRYPTION_KEY or the data dir's development key file)
 * opens the data keys actually stored: one sample per master key id is unwrapped. So the Configuration
 * section's key and the PCI section's ciphertext are judged against each other: ciphertext nobody can open
 * is critical, whatever the variable says.
 */
export async function checkMasterKeyOpensDataKeys(
  pool: Pick<Pool, 'query'>,
  master: { readonly keyring: Keyring; readonly source: string } | undefined,
  findings: Findings,
): Promise<void> {
  const check = 'master key opens the data keys';
  const rows = await dataKeysByMasterKey(pool);
  if (!rows) {
    findings.add('PCI', check, 'warning', 'not available: no ledger.data_keys table in this database');
    return;
  }
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  if (total === 0) {
    findings.add('PCI', check, 'pass', 'no data keys stored yet');
    return;
  }
  const ids = rows.map((r) => r.masterKeyId).join(', ');
  if (!master) {
    findings.add(
      'PCI',
      check,
      'critical',
      `${total} data keys are wrapped under master key ${ids}, and no master key was found: none opens`,
    );
    return;
  }
  const store = new DataKeyStore(pool, master.keyring);
  const failing: string[] = [];
  let unreadable = 0;
  for (const row of rows) {
    const why = !master.keyring.keys[row.masterKeyId]
      ? `not in the keyring of ${master.source}`
      : await store.find(row.sampleKeyId).then(
          () => undefined,
          () => `the key with that id in ${master.source} does not open them (another secret under the same id)`,
        );
    if (why) {
      failing.push(`${row.count} data keys under master key ${row.masterKeyId}: ${why}`);
      unreadable += row.count;
    }
  }
  if (failing.length > 0) {
    findings.add(
      'PCI',
      check,
      'critical',
      `${unreadable} of ${total} data keys do not open with the master key of ${master.source}: the personal data sealed under them is unreadable`,
      failing,
    );
  } else findings.add('PCI', check, 'pass', `${total} data keys under master key ${ids}: a sample of each opens with ${master.source}`);
}
