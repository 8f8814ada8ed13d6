import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_HEAP_FLAGS, boundHeapGrowth, serviceHeapFlags } from './heap-flags';

/** Runs node with `flags` through an allocation that keeps 200,000 objects alive at a time (as a busy service does). */
function heapAfterChurn(flags: string[]): { limitMb: number; youngMb: number } {
  const out = execFileSync(
    process.execPath,
    [
      ...flags,
      '-e',
      `const v8 = require('v8');
       const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
       const window = new Array(200000);
       let youngMb = 0;
       for (let i = 0; i < 4000000; i++) {
         window[i % 200000] = { i, s: 'x' + i };
         if (i % 100000 === 0) youngMb = Math.max(youngMb, young());
       }
       process.stdout.write(JSON.stringify({ limitMb: v8.getHeapStatistics().heap_size_limit / 1048576, youngMb }));`,
    ],
    { env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return JSON.parse(String(out)) as { limitMb: number; youngMb: number };
}

describe('serviceHeapFlags', () => {
  it('adds every heap flag when none is given', () => {
    expect(serviceHeapFlags([])).toEqual(['--max-old-space-size=128', '--min-semi-space-size=8', '--max-semi-space-size=8']);
  });

  it("keeps the operator's own value of a flag, given with dashes or underscores, and adds the rest", () => {
    expect(serviceHeapFlags(['--require', 'x.js', '--max-old-space-size=512'])).toEqual([
      '--min-semi-space-size=8',
      '--max-semi-space-size=8',
    ]);
    expect(serviceHeapFlags(['--max_semi_space_size=32'])).toEqual(['--max-old-space-size=128', '--min-semi-space-size=8']);
  });

  it("bounds the heap as documented, where node's defaults do not", () => {
    const defaults = heapAfterChurn([]);
    const service = heapAfterChurn(serviceHeapFlags([]));
    const oldMb = Number(SERVICE_HEAP_FLAGS['--max-old-space-size']);
    const youngMaxMb = 2 * Number(SERVICE_HEAP_FLAGS['--max-semi-space-size']);
    // The whole heap's limit is the old space's plus the young generation's.
    expect(service.limitMb).toBeGreaterThanOrEqual(oldMb);
    expect(service.limitMb).toBeLessThanOrEqual(oldMb + 3 * youngMaxMb);
    expect(defaults.limitMb).toBeGreaterThan(4 * oldMb);
    expect(service.youngMb).toBe(youngMaxMb);
    expect(defaults.youngMb).toBeGreaterThan(youngMaxMb);
  });
});

/**
 * Runs node through a long walk: 600,000 objects alive throughout (verify's counter rows), and a window of
 * 200,000 recent ones replaced as it goes (its pages in flight), so survivors keep being promoted. Returns the
 * largest heap it committed, in MB; `bound` first applies boundHeapGrowth, as the CLI's main does.
 */
function peakHeapOfWalk(bound: boolean): number {
  const out = execFileSync(
    process.execPath,
    [
      '--require',
      join(__dirname, '..', '..', '..', '..', 'test', 'support', 'swc-register.js'),
      '-e',
      `const v8 = require('v8');
       if (${bound}) require(${JSON.stringify(join(__dirname, 'heap-flags.ts'))}).boundHeapGrowth([]);
       const live = Array.from({ length: 600000 }, (_, i) => ({ i, s: 'live' + i }));
       const window = new Array(200000);
       let peak = 0;
       for (let i = 0; i < 6000000; i++) {
         window[i % 200000] = { i, s: 'x' + i, a: [i, i + 1] };
         if (i % 50000 === 0) peak = Math.max(peak, v8.getHeapStatistics().total_heap_size / 1048576);
       }
       process.stdout.write(JSON.stringify({ peak, live: live.length }));`,
    ],
    { env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return (JSON.parse(String(out)) as { peak: number }).peak;
}

describe('boundHeapGrowth (the ledger CLI)', () => {
  it("keeps the operator's own --heap-growing-percent", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=20'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=300'])).toBe(false);
  });

  it('holds the heap of a long walk near its live set, where the default lets it double', () => {
    const unbounded = peakHeapOfWalk(false);
    const bounded = peakHeapOfWalk(true);
    // Measured: about 356 MB by default, 171 MB bounded, for about 120 MB alive.
    expect(bounded).toBeLessThan(0.7 * unbounded);
  });
});
