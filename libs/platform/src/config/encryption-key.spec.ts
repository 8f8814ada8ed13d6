import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { DEV_KEY_FILE, encryptionKeyOf, masterKeyring } from './encryption-key';

describe('the master key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses production without ENCRYPTION_KEY in one line', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(new ConfigError('ENCRYPTION_KEY: required when NODE_ENV=production'));
    expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!' })).not.toThrow();
  });

  it('refuses a malformed key list at start', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: `k1:${'a'.repeat(32)},k1:${'b'.repeat(32)}` })).toThrow(/ENCRYPTION_KEY: .*twice/);
  });

  it('generates a development key into the data dir once, with a warning, and reuses it', () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir });
    const warnings: string[] = [];
    const first = encryptionKeyOf(config, (line) => warnings.push(line));
    const second = encryptionKeyOf(config, (line) => warnings.push(line));
    expect(first).toBe(second);
    expect(first).toMatch(/^dev:[\w-]{43}$/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/development ENCRYPTION_KEY/);
    expect(readFileSync(join(dir, DEV_KEY_FILE), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, DEV_KEY_FILE)).mode & 0o077).toBe(0);
    expect(masterKeyring(config).current).toBe('dev');
  });

  it('uses ENCRYPTION_KEY when set and writes nothing', () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dir, ENCRYPTION_KEY: `k2:${'x'.repeat(32)},k1:${'y'.repeat(32)}` });
    expect(masterKeyring(config).current).toBe('k2');
    expect(() => statSync(join(dir, DEV_KEY_FILE))).toThrow();
  });
});
