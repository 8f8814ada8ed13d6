import { startEmbeddedPostgres } from '../../../../libs/platform/src/embedded/embedded-postgres';

/**
 * A freshly initialised embedded PostgreSQL server, in a process of its own (Jest's module loader cannot
 * import the ESM embedded-postgres package; global-setup runs outside it). Prints its URL as one line,
 * stops the server on SIGTERM. Started by move-database.ts and embedded-data-dir.ts; a second argument is JSON of
 * server settings added to the start (`-c name=value`).
 */
async function main(): Promise<void> {
  const settings = process.argv[3] ? (JSON.parse(process.argv[3]) as Record<string, string>) : undefined;
  const pg = await startEmbeddedPostgres({ dataDir: process.argv[2], fast: true, settings });
  process.stdout.write(`${JSON.stringify({ url: pg.url })}\n`);
  let stopping: Promise<void> | undefined;
  const stop = () => void (stopping ??= pg.stop().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  // The test process died without stopping it: do not leave a server behind.
  process.once('disconnect', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fresh server: ${(error as Error).message}\n`);
  process.exit(1);
});
