import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMasterKey, type Keyring } from '@ledger/security';
import { ConfigError, type LedgerConfig } from './config';

export const DEV_KEY_FILE = 'encryption-key';

/**
 * The master key: `ENCRYPTION_KEY`, or outside production a development key
 * generated once into the data dir (so every app on embedded defaults shares
 * it). loadConfig already refuses production without the variable.
 */
export function encryptionKeyOf(config: LedgerConfig, warn: (line: string) => void = () => undefined): string {
  if (config.ENCRYPTION_KEY) return config.ENCRYPTION_KEY;
  if (config.NODE_ENV === 'production') throw new ConfigError('ENCRYPTION_KEY: required when NODE_ENV=production');
  const path = join(config.LEDGER_DATA_DIR, DEV_KEY_FILE);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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
  try {
    return parseMasterKey(encryptionKeyOf(config, warn));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`ENCRYPTION_KEY: ${(error as Error).message}`);
  }
}
