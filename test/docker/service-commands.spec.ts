import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceHeapFlags } from '@ledger/platform';

const DOCKER = join(__dirname, '..', '..', 'docker');

/** Every exec-form `node … dist/apps/<app>/src/main.js` command in a file (compose `command:`, Dockerfile `CMD`). */
function serviceCommands(file: string): { app: string; argv: string[] }[] {
  return [...readFileSync(join(DOCKER, file), 'utf8').matchAll(/(?:command:|CMD)\s*(\[.*\])/g)]
    .map((m) => JSON.parse(m[1]) as string[])
    .filter((argv) => argv[0] === 'node' && argv.some((a) => /^dist\/apps\/.+\/main\.js$/.test(a)))
    .map((argv) => ({ app: argv.find((a) => a.startsWith('dist/apps/'))!.split('/')[2], argv }));
}

// The YAML and the Dockerfile cannot import SERVICE_HEAP_FLAGS; this keeps their copies from drifting.
describe("the Docker image's and compose file's service commands", () => {
  it('start every service with the heap flags of libs/platform/src/process/heap-flags.ts', () => {
    const commands = [...serviceCommands('Dockerfile'), ...serviceCommands('docker-compose.yml')];
    expect(commands.map((c) => c.app).sort()).toEqual(['alert-worker', 'ledger-api', 'ledger-api', 'projector']);
    for (const { app, argv } of commands)
      expect({ app, flags: argv.filter((a) => a.startsWith('--')) }).toEqual({ app, flags: serviceHeapFlags([]) });
  });
});
