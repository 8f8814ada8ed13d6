import { generateApiKey, hashApiKeySecret, hasScope, parseApiKey, parseScopes, SCOPES, UnknownScopeError, verifyApiKey } from './api-keys';

describe('API keys', () => {
  it('generates lk_<12-char id>_<43-char secret> with its SHA-256 hash', () => {
    const { id, key, hash } = generateApiKey();
    expect(key).toMatch(/^lk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    expect(id).toHaveLength(12);
    expect(key.startsWith(`lk_${id}_`)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKeySecret(key));
    expect(generateApiKey().key).not.toBe(key);
  });

  it('never starts an id with a dash, which a command line would read as an option', () => {
    // 1 base64url id in 64 starts with `-`: 2,000 draws hold ~31 of them unless they are redrawn.
    expect(Array.from({ length: 2_000 }, () => generateApiKey().id).filter((id) => id.startsWith('-'))).toEqual([]);
  });

  it('parses a key by position, even when the id contains an underscore', () => {
    const key = `lk_ab_cd-ef_gh1_${'s'.repeat(43)}`;
    expect(parseApiKey(key)).toEqual({ id: 'ab_cd-ef_gh1', secret: 's'.repeat(43) });
  });

  it.each([
    ['', 'empty'],
    ['sk_live_abc', 'another prefix'],
    [`lk_${'a'.repeat(12)}_${'b'.repeat(42)}`, 'a short secret'],
    [`lk_${'a'.repeat(12)}-${'b'.repeat(43)}`, 'a wrong separator'],
    [`lk_${'a'.repeat(12)}_${'b'.repeat(42)}!`, 'a character outside base64url'],
  ])('refuses %j (%s)', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('verifies a key against its stored hash only', () => {
    const { key, hash } = generateApiKey();
    expect(verifyApiKey(key, hash)).toBe(true);
    expect(verifyApiKey(key, hash.toUpperCase())).toBe(true);
    expect(verifyApiKey(generateApiKey().key, hash)).toBe(false);
    expect(verifyApiKey(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), hash)).toBe(false);
    expect(verifyApiKey('not a key', hashApiKeySecret('not a key'))).toBe(false);
  });
});

describe('scopes', () => {
  it('grants the required scope, and everything to admin', () => {
    expect(hasScope(['payments:read'], 'payments:read')).toBe(true);
    expect(hasScope(['payments:read'], 'payments:write')).toBe(false);
    expect(hasScope([], 'dashboard:read')).toBe(false);
    for (const scope of SCOPES) expect(hasScope(['admin'], scope)).toBe(true);
  });

  it('parses a comma-separated list and refuses unknown names', () => {
    expect(parseScopes('payments:write, dashboard:read,payments:write')).toEqual(['payments:write', 'dashboard:read']);
    expect(() => parseScopes('payments:write,payments:delete')).toThrow(UnknownScopeError);
  });
});
