import { IpAllowlist } from './ip-allowlist';

describe('IpAllowlist', () => {
  it('allows everyone when empty (off by default)', () => {
    expect(new IpAllowlist([]).allows('203.0.113.9')).toBe(true);
  });

  it('allows listed addresses and ranges only', () => {
    const list = new IpAllowlist(['3.18.12.63', '52.31.139.0/24', '2001:db8::/32']);
    expect(list.allows('3.18.12.63')).toBe(true);
    expect(list.allows('52.31.139.200')).toBe(true);
    expect(list.allows('2001:db8::1')).toBe(true);
    expect(list.allows('3.18.12.64')).toBe(false);
    expect(list.allows('52.31.140.1')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('unknown')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(new IpAllowlist(['3.18.12.63']).allows('::ffff:3.18.12.63')).toBe(true);
  });

  it('refuses an entry that is not an address', () => {
    expect(() => new IpAllowlist(['stripe.com'])).toThrow(/not an IP address/);
  });
});
