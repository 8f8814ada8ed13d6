import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCKER = join(__dirname, '..', '..', 'docker');
const FILES = ['docker-compose.yml', 'docker-compose.cluster.yml'];
const read = (file: string) => readFileSync(join(DOCKER, file), 'utf8');

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`; `$$` is a literal dollar. */
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|_KEY$/;

interface Interpolation {
  readonly name: string;
  readonly operator?: string;
  readonly argument?: string;
}

function interpolations(text: string): Interpolation[] {
  return [...text.replace(/\$\$/g, '').matchAll(INTERPOLATION)].map(([, name, operator, argument]) => ({ name, operator, argument }));
}

/**
 * What `docker compose config` does with the file's variables (compose-spec "Interpolation"): the required
 * ones unset or empty are refused, each with its message. There is no Docker engine nor compose plugin on
 * the development machines, so this stands in for running it.
 */
function refusals(text: string, env: Record<string, string>): string[] {
  return interpolations(text)
    .filter(({ name, operator }) => (operator === ':?' && !env[name]) || (operator === '?' && env[name] === undefined))
    .map(({ name, argument }) => `${name}: ${argument}`);
}

describe('docker/ compose files (issue 29, case 9)', () => {
  it.each(FILES)('%s gives no secret a default', (file) => {
    const secrets = interpolations(read(file)).filter(({ name }) => SECRET_NAME.test(name));
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter(({ operator }) => operator !== ':?')).toEqual([]);
  });

  it('refuses, as `docker compose config` would, until every password is set', () => {
    const text = read('docker-compose.yml');
    const required = new Set(refusals(text, {}).map((line) => line.split(':')[0]));
    expect([...required].sort()).toEqual([
      'ENCRYPTION_KEY',
      'EVENTSTORE_ADMIN_PASSWORD',
      'EVENTSTORE_LEDGER_PASSWORD',
      'EVENTSTORE_OPS_PASSWORD',
      'GRAFANA_ADMIN_PASSWORD',
      'LEDGER_APP_PASSWORD',
      'POSTGRES_PASSWORD',
      'REDIS_PASSWORD',
    ]);
    expect(refusals(text, Object.fromEntries([...required].map((name) => [name, 'x'.repeat(48)])))).toEqual([]);
  });

  it.each(FILES)('%s puts a password in no URL but from a required variable', (file) => {
    const credentials = [...read(file).matchAll(/[a-z]+:\/\/([^\s@/:]*):((?:\$\{[^}]*\}|[^\s@$])*)@/g)].map((m) => m[2]);
    expect(credentials.length).toBeGreaterThan(0);
    for (const password of credentials) expect(password).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
  });

  it.each(FILES)('%s runs EventStoreDB secure, and the apps reach it over TLS as a user of their own', (file) => {
    const text = read(file);
    expect(text).not.toMatch(/EVENTSTORE_INSECURE|tls=false/);
    const connections = [...text.matchAll(/esdb:\/\/(?:\$\{[^}]*\}|[^\s"$])+/g)].map((m) => m[0]);
    expect(connections.length).toBeGreaterThan(0);
    for (const connection of connections) {
      expect(connection).toMatch(/^esdb:\/\/ledger:\$\{EVENTSTORE_LEDGER_PASSWORD:\?[^}]*\}@/);
      expect(connection).toMatch(/[?&]tls=true(&|$)/);
      expect(connection).toMatch(/[?&]tlsCAFile=\/etc\/ledger\/eventstore-ca\/ca\.crt(&|$)/);
    }
    expect(text).toMatch(/EVENTSTORE_TRUSTED_ROOT_CERTIFICATES_PATH: \/etc\/eventstore\/certs\/ca/);
    expect(text).toMatch(/EVENTSTORE_DEFAULT_ADMIN_PASSWORD: \$\{EVENTSTORE_ADMIN_PASSWORD:\?/);
  });

  it('gives every EventStoreDB node a certificate of its own and the apps the CA', () => {
    const single = read('docker-compose.yml');
    const cluster = read('docker-compose.cluster.yml');
    for (const node of ['node1', 'node2', 'node3']) {
      expect(single).toContain(`-out ./${node} `);
      expect(single + cluster).toContain(`EVENTSTORE_CERTIFICATE_FILE: /etc/eventstore/certs/${node}/node.crt`);
    }
    expect(single.match(/- \.\/certs\/ca:\/etc\/ledger\/eventstore-ca:ro/g)).toHaveLength(2);
  });

  it('sets TRUST_PROXY on the API, so failed-auth counts are per client behind the proxy', () => {
    expect(read('docker-compose.yml')).toMatch(/\n {6}TRUST_PROXY: \$\{TRUST_PROXY:-uniquelocal\}\n/);
  });
});
