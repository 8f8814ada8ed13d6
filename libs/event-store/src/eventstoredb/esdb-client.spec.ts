import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** What a fresh process has loaded after `script`: whether any module of @eventstore/db-client or gRPC is among them. */
function clientLoadedAfter(script: string): boolean {
  const child = spawnSync(
    process.execPath,
    [
      '--require',
      join(ROOT, 'test/support/swc-register.js'),
      '-e',
      `${script}; process.stdout.write(String(Object.keys(require.cache).some((f) => /node_modules\\/(@eventstore|@grpc)\\//.test(f))))`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout === 'true';
}

/** Issue 33 (API RSS): the ESDB client and gRPC stay out of every process on the PostgreSQL store. */
describe('@eventstore/db-client, loaded at first use', () => {
  const lib = JSON.stringify(join(ROOT, 'libs/event-store/src'));

  it('is not loaded by importing the lib, nor by a PostgreSQL store', () => {
    expect(clientLoadedAfter(`const { createEventStore } = require(${lib}); createEventStore({ EVENT_STORE: 'postgres' }, {})`)).toBe(
      false,
    );
  });

  it('is loaded once an EventStoreDB store is made', () => {
    expect(
      clientLoadedAfter(
        `const { createEventStore } = require(${lib}); createEventStore({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false' }, {})`,
      ),
    ).toBe(true);
  });
});
