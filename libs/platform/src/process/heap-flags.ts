import { setFlagsFromString } from 'node:v8';

/**
 * V8 heap sizing for the ledger's long-running Node processes (API workers, projector, alert-worker).
 *
 * Left to its defaults V8 sizes the heap for throughput, not for a steady footprint. In the soak
 * (`npm run soak`) a busy API worker's old space swung between 40 and 160 MB around a live set of
 * about 48 MB (heap snapshots minutes apart: 48.1 and 48.6 MB), its collection threshold crept up by
 * about 1 MB a minute, and a projector's young generation doubled from 16 to 32 MB seven minutes into
 * a run. None of it is a leak, but RSS alone cannot tell it from one, and a container memory limit
 * cannot be set against a heap whose ceiling is the machine's. So every launcher of a service (the
 * API's cluster primary, `npm start`, the Docker image, the chaos harness) applies these: an
 * old-space ceiling of about 2.5 times the largest live set measured, and a young generation of a
 * fixed 16 MB. Fixed, because V8 otherwise grows and shrinks it by whole semi-spaces as the load
 * comes and goes (an API worker's RSS moved by 16 MB between minutes); small, because an idle
 * process (a standby projector allocates 1.6 MB a minute) touches its young pages only as it fills
 * them, so its RSS climbs by up to the young generation's size before each scavenge and drops after
 * it: 32 MB semi-spaces made that a 16 MB swing on a 125 MB process. A flag the operator already
 * gave, on the command line or in NODE_OPTIONS, is kept.
 */
export const SERVICE_HEAP_FLAGS: Readonly<Record<string, string>> = {
  '--max-old-space-size': '128',
  '--min-semi-space-size': '8',
  '--max-semi-space-size': '8',
};

const nodeFlags = (): string[] => [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const flagNames = (given: readonly string[]) => new Set(given.map((flag) => flag.split('=', 1)[0].replace(/_/g, '-')));

/** The heap flags to add to a service's `node` command line: those not already in `given`. */
export function serviceHeapFlags(given: readonly string[] = nodeFlags()): string[] {
  const named = flagNames(given);
  return Object.entries(SERVICE_HEAP_FLAGS)
    .filter(([name]) => !named.has(name))
    .map(([name, value]) => `${name}=${value}`);
}

/**
 * How far V8 may let the heap grow past what the last full collection kept, for the `ledger` CLI.
 *
 * `ledger audit verify` over 1,000,000 payments keeps 35-90 MB alive (the pages in flight and the
 * expected counter rows), but V8's default growing factor (up to 4x for a fast allocator) let its old
 * space reach 350 MB between full collections: 431-569 MiB of RSS for 80 MB of live data. At 1.5x the
 * same run peaked at 231-232 MiB in the same time. No ceiling is set: a verify of a longer history keeps
 * more counter rows alive, and must use more memory rather than abort.
 */
export const CLI_HEAP_GROWING_PERCENT = 50;

/**
 * Applies CLI_HEAP_GROWING_PERCENT to this process, unless the operator gave `--heap-growing-percent`.
 * V8 reads the factor at every full collection, so setting it at start-up takes effect.
 */
export function boundHeapGrowth(given: readonly string[] = nodeFlags()): boolean {
  if (flagNames(given).has('--heap-growing-percent')) return false;
  setFlagsFromString(`--heap-growing-percent=${CLI_HEAP_GROWING_PERCENT}`);
  return true;
}
