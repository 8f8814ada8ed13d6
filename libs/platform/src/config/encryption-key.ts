import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMasterKey, type Keyring } from '@ledger/security';
import { ConfigError, type LedgerConfig } from './config';

export const DEV_KEY_FILE = 'encryption-key';

/** Where a master key was found: the variable, or the data dir's development key file. */
export interface MasterKeySource {
  readonly value: string;
  readonly source: 'ENCRYPTION_KEY' | 'dev key file';
  /** The dev key file's path (also when it was not found: where the apps would put it). */
  readonly path: string;
}

export const devKeyPath = (config: LedgerConfig): string => join(config.LEDGER_DATA_DIR, DEV_KEY_FILE);

/**
 * The master key the apps use, looked up read only: `ENCRYPTION_KEY`, or outside production the data dir's
 * development key file. Undefined when neither holds one; unlike `encryptionKeyOf` it never generates a key
 * (the CLI and the audit report must find the apps' key, not make one of their own).
 */
export function findEncryptionKey(config: LedgerConfig): MasterKeySource | undefined {
  const path = devKeyPath(config);
  if (config.ENCRYPTION_KEY) return { value: config.ENCRYPTION_KEY, source: 'ENCRYPTION_KEY', path };
  if (config.NODE_ENV === 'production') return undefined;
  try {
    const value = readFileSync(path, 'utf8').trim();
    return value ? { value, source: 'dev key file', path } : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `findEncryptionKey` as a keyring (undefined when there is no key); a malformed key is a ConfigError. */
export function findMasterKeyring(config: LedgerConfig): Keyring | undefined {
  const found = findEncryptionKey(config);
  return found && keyringOf(found.value);
}

/**
 * The master key: `ENCRYPTION_KEY`, or outside production a development key
 * generated once into the data dir (so every app on embedded defaults shares
 * it). loadConfig already refuses production without the variable.
 */
export function encryptionKeyOf(config: LedgerConfig, warn: (line: string) => void = () => undefined): string {
  const found = findEncryptionKey(config);
  if (found) return found.value;
  if (config.NODE_ENV === 'production') throw new ConfigError('ENCRYPTION_KEY: required when NODE_ENV=production');
  const path = devKeyPath(config);
  mkdirSync(config.LEDGER_DATA_DIR, { recursive: true });
  // Written aside and linked into place: of two processes starting at once, one key wins and neither reads half a file.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `dev:${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    warn(`generated a development ENCRYPTION_KEY into ${path}: for development only; set ENCRYPTION_KEY in production`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSync(path, 'utf8').trim();
}

export function masterKeyring(config: LedgerConfig, warn?: (line: string) => void): Keyring {
  return keyringOf(encryptionKeyOf(config, warn));
}

/** A master key value as a keyring; malformed is a ConfigError naming ENCRYPTION_KEY. */
export function keyringOf(value: string): Keyring {
  try {
    return parseMasterKey(value);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`ENCRYPTION_KEY: ${(error as Error).message}`);
  }
}
