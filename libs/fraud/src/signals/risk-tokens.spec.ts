import { RiskTokens, providerSignals } from './risk-tokens';

const keys = { keyFor: async () => ({ id: 'k', key: Buffer.alloc(32, 7) }) };

describe('risk signals', () => {
  it('tokenises each value under one key: the same value (normalised) gives the same token, another kind another token', async () => {
    const tokens = new RiskTokens(keys);
    const a = await tokens.riskOf({ ipAddress: '203.0.113.7', email: 'Ada@Example.com', cardFingerprint: 'fp_1', ipCountry: 'NG' });
    const b = await tokens.riskOf({ ipAddress: ' 203.0.113.7 ', email: 'ada@example.com', deviceId: 'fp_1' });
    expect(a).toMatchObject({ ipAddress: '203.0.113.7', ipCountry: 'NG', email: 'Ada@Example.com', cardFingerprint: 'fp_1' });
    expect(a!.tokens.ip).toMatch(/^ftok_[A-Za-z0-9_-]{43}$/);
    expect(b!.tokens.ip).toBe(a!.tokens.ip);
    expect(b!.tokens.email).toBe(a!.tokens.email);
    expect(b!.tokens.device).not.toBe(a!.tokens.card);
    expect(JSON.stringify(a!.tokens)).not.toContain('203.0.113.7');
    expect(await tokens.riskOf({})).toBeUndefined();
  });

  it("keeps a provider's well-formed signals and drops the rest", () => {
    expect(
      providerSignals({ ipAddress: '41.242.49.37', ipCountry: 'ng', cardFingerprint: 'sig_1', cardCountry: 'ZZ', email: 'not an address' }),
    ).toEqual({ ipAddress: '41.242.49.37', ipCountry: 'NG', cardFingerprint: 'sig_1' });
    expect(providerSignals({ ipAddress: '999.0.0.1', cardCountry: 'US', email: null })).toEqual({ cardCountry: 'US' });
  });
});
