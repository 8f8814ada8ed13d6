import { devKeyPath, type LedgerConfig, type MasterKeySource } from '@ledger/platform';
import type { Findings } from './findings';

/** PCI DSS 10.5.1 keeps audit logs a year (3 months at hand): 90 days is the floor, a year the target. */
const RETENTION_FLOOR_DAYS = 90;
const RETENTION_TARGET_DAYS = 365;
const MIN_SECRET_LENGTH = 20;
const PLACEHOLDER = /(x{3,}|change.?me|placeholder|your[_-]|example|dummy|secret_here|todo|\.\.\.|<.*>)/i;

/** What `findEncryptionKey` found: the key and where, nothing, or why it could not be read. */
export type MasterKeyLookup = MasterKeySource | undefined | { readonly error: string };

/** Configuration and the settings side of PCI: keys present and strong, HTTPS, retention, rate limits. */
export function checkConfiguration(
  config: LedgerConfig,
  findings: Findings,
  enabledProviders: ReadonlySet<string>,
  masterKey: MasterKeyLookup,
): void {
  const production = config.NODE_ENV === 'production';
  if (config.DATABASE_URL) findings.add('Configuration', 'DATABASE_URL', 'pass', 'set');
  else findings.add('Configuration', 'DATABASE_URL', production ? 'critical' : 'warning', 'unset: embedded PostgreSQL (development only)');
  checkMasterKey(config, findings, masterKey);
  checkWebhookSecrets(config, findings, enabledProviders);
  if (production && !config.FORCE_HTTPS) findings.add('PCI', 'HTTPS enforced', 'violation', 'NODE_ENV=production without FORCE_HTTPS=true');
  else
    findings.add('PCI', 'HTTPS enforced', 'pass', config.FORCE_HTTPS ? 'FORCE_HTTPS=true' : `not required (NODE_ENV=${config.NODE_ENV})`);
  checkRetention(config.DATA_RETENTION_DAYS, findings);
  checkRateLimits(config.RATE_LIMITS, findings);
}

/** Each provider's webhook secret of plausible strength, and one for every provider that has payments. */
function checkWebhookSecrets(config: LedgerConfig, findings: Findings, enabledProviders: ReadonlySet<string>): void {
  const stripe = config.STRIPE_WEBHOOK_SECRET;
  if (stripe.length > 0) {
    const bad = stripe.filter((s) => !s.startsWith('whsec_') || s.length < MIN_SECRET_LENGTH || weak(s.slice(6)));
    if (bad.length > 0)
      findings.add(
        'Webhooks',
        'STRIPE_WEBHOOK_SECRET',
        'violation',
        `${bad.length} of ${stripe.length} secrets are not whsec_… of plausible strength`,
      );
    else findings.add('Webhooks', 'STRIPE_WEBHOOK_SECRET', 'pass', `${stripe.length} secret(s) configured`);
  }
  const paystack = config.PAYSTACK_SECRET_KEY;
  if (paystack) {
    if (!/^sk_(live|test)_/.test(paystack) || paystack.length < MIN_SECRET_LENGTH || weak(paystack.slice(8))) {
      findings.add('Configuration', 'PAYSTACK_SECRET_KEY', 'violation', 'not an sk_live_/sk_test_ key of plausible strength');
    } else if (config.NODE_ENV === 'production' && paystack.startsWith('sk_test_')) {
      findings.add('Configuration', 'PAYSTACK_SECRET_KEY', 'warning', 'a test key in production');
    } else findings.add('Configuration', 'PAYSTACK_SECRET_KEY', 'pass', 'set');
  }
  const configured = new Set([...(stripe.length > 0 ? ['stripe'] : []), ...(paystack ? ['paystack'] : [])]);
  for (const provider of enabledProviders) {
    if (!configured.has(provider))
      findings.add(
        'Webhooks',
        `${provider} webhook secret`,
        'violation',
        `${provider} has payments but no webhook secret: its webhooks are refused or unverifiable`,
      );
  }
  if (configured.size === 0) findings.add('Webhooks', 'webhook secrets', 'warning', 'no provider webhook secret configured');
}

/** DATA_RETENTION_DAYS against PCI DSS 10.5.1: below the floor a violation, below the target a warning. */
function checkRetention(days: number, findings: Findings): void {
  if (days < RETENTION_FLOOR_DAYS)
    findings.add('PCI', 'data retention', 'violation', `DATA_RETENTION_DAYS=${days} is below ${RETENTION_FLOOR_DAYS}`);
  else if (days < RETENTION_TARGET_DAYS)
    findings.add('PCI', 'data retention', 'warning', `DATA_RETENTION_DAYS=${days}: PCI DSS keeps audit logs ${RETENTION_TARGET_DAYS} days`);
  else findings.add('PCI', 'data retention', 'pass', `DATA_RETENTION_DAYS=${days} (≥ ${RETENTION_TARGET_DAYS})`);
}

/** A limit on the endpoints that move money or take provider calls, and a payment limit tight enough for card testing. */
function checkRateLimits(limits: LedgerConfig['RATE_LIMITS'], findings: Findings): void {
  for (const limitClass of ['payment', 'refund', 'webhook']) {
    const rule = limits[limitClass];
    if (!rule) findings.add('Rate limiting', `${limitClass} endpoints`, 'violation', 'no rate limit configured');
    else findings.add('Rate limiting', `${limitClass} endpoints`, 'pass', `${rule.capacity} per ${Math.round(rule.windowMs / 1000)} s`);
  }
  const payment = limits.payment;
  if (payment && payment.capacity / (payment.windowMs / 60_000) > 60) {
    findings.add(
      'Rate limiting',
      'payment limit strength',
      'warning',
      'more than 60 payments a minute per customer lets card testing through',
    );
  }
}

/**
 * The master key where the apps find it (`findEncryptionKey`: ENCRYPTION_KEY, or outside production the data
 * dir's development key file), never generated here. Whether it opens the stored data keys is checked in PCI.
 */
function checkMasterKey(config: LedgerConfig, findings: Findings, found: MasterKeyLookup): void {
  if (found && 'error' in found) {
    findings.add('Configuration', 'ENCRYPTION_KEY', 'critical', `unreadable: ${found.error}`);
    return;
  }
  if (!found) {
    const where =
      config.NODE_ENV === 'production' ? 'ENCRYPTION_KEY is unset' : `neither ENCRYPTION_KEY nor ${devKeyPath(config)} holds one`;
    findings.add('Configuration', 'ENCRYPTION_KEY', 'critical', `missing: ${where}; personal data cannot be encrypted or read at rest`);
    return;
  }
  const key = found.value;
  if (weak(key)) {
    findings.add('Configuration', 'ENCRYPTION_KEY', 'violation', `${key.length} characters but low variety or a placeholder`);
  } else if (found.source === 'dev key file') {
    findings.add(
      'Configuration',
      'ENCRYPTION_KEY',
      'warning',
      `unset: the apps use the development key in ${found.path} (development only; set ENCRYPTION_KEY in production)`,
    );
  } else findings.add('Configuration', 'ENCRYPTION_KEY', 'pass', `${key.length} characters (≥ 32)`);
}

/** Fewer than 10 distinct characters, or a well-known placeholder. */
function weak(secret: string): boolean {
  return new Set(secret).size < 10 || PLACEHOLDER.test(secret);
}
