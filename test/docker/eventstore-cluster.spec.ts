import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCKER = join(__dirname, '..', '..', 'docker');
const read = (file: string) => readFileSync(join(DOCKER, file), 'utf8');

/** The lines of one top-level key's block (`  name:` at two spaces, up to the next key at that depth). */
function block(text: string, header: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return '';
  const indent = /^ */.exec(lines[start])![0].length;
  const end = lines.findIndex((l, i) => i > start && l.trim() !== '' && !l.trim().startsWith('#') && /^ */.exec(l)![0].length <= indent);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/**
 * What the three-node cluster's chaos runs (issue 35, EventStoreDB 24.2.0 built from source) found
 * about the compose files, checked without Docker (none runs on the development machines).
 */
describe('docker/ EventStoreDB nodes as the cluster runs showed them (issue 35)', () => {
  it('restarts every EventStoreDB node that exits: a node truncating its log offline after an election exits 0', () => {
    const single = read('docker-compose.yml');
    const cluster = read('docker-compose.cluster.yml');
    expect(block(single, /^ {2}eventstore:$/)).toMatch(/\n {4}restart: unless-stopped\n/);
    expect(block(cluster, /^x-eventstore-node: &node$/)).toMatch(/\n {2}restart: unless-stopped\n/);
    for (const node of ['eventstore', 'eventstore-2', 'eventstore-3']) {
      expect(block(cluster, new RegExp(`^ {2}${node}:$`))).toMatch(/\n {4}<<: \*node\n/);
    }
  });

  it("gives each node's certificate the name its health check connects to", () => {
    const single = read('docker-compose.yml');
    const cluster = read('docker-compose.cluster.yml');
    const hosts = new Set([...(single + cluster).matchAll(/https:\/\/([^:/\s]+):2113\/health\/live/g)].map((m) => m[1]));
    expect([...hosts]).toEqual(['localhost']);
    const certificates = [...single.matchAll(/create-node .*?-out \.\/(node\d) -dns-names (\S+) -ip-addresses (\S+)/g)];
    expect(certificates.map((m) => m[1])).toEqual(['node1', 'node2', 'node3']);
    for (const [, node, dns, ips] of certificates) {
      expect({ node, names: dns.split(',') }).toEqual({ node, names: expect.arrayContaining(['localhost']) });
      expect({ node, ips: ips.replace(/\s*&&$/, '').split(',') }).toEqual({ node, ips: expect.arrayContaining(['127.0.0.1']) });
    }
  });
});
