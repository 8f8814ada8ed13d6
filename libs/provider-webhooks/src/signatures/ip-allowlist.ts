import { BlockList, isIP } from 'node:net';

/**
 * Addresses and CIDR ranges (`3.18.12.63`, `52.31.139.0/24`, `2001:db8::/32`).
 * An empty list allows everyone: the allowlist is off unless configured.
 */
export class IpAllowlist {
  private readonly list = new BlockList();
  readonly enabled: boolean;

  constructor(entries: readonly string[]) {
    this.enabled = entries.length > 0;
    for (const entry of entries) {
      const [address, prefix] = entry.trim().split('/');
      const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
      if (!family) throw new Error(`webhook allowlist: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
  }

  allows(ip: string | undefined): boolean {
    if (!this.enabled) return true;
    if (!ip) return false;
    const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}
