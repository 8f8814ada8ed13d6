import type { PoolClient } from 'pg';
import { DeltaTable } from './delta-table';

describe('DeltaTable', () => {
  it('aggregates a batch into one row per key and writes one statement', async () => {
    const table = new DeltaTable<'n' | 'v'>({
      table: 'x',
      keys: [{ name: 'k', type: 'text' }],
      counters: ['n', 'v'],
      counterTypes: { v: 'numeric' },
    });
    table.add(['a'], { n: 1, v: 9_007_199_254_740_991 });
    table.add(['a'], { n: 1, v: 9_007_199_254_740_991 });
    table.add(['b'], { n: -1 });
    const calls: unknown[][] = [];
    await table.write({ query: async (...args: unknown[]) => calls.push(args) } as unknown as PoolClient, 'read_models');
    expect(calls).toHaveLength(1);
    expect(calls[0][1]).toEqual([
      ['a', 'b'],
      ['2', '-1'],
      ['18014398509481982', '0'],
    ]);
    expect(String(calls[0][0])).toMatch(/ON CONFLICT \("k"\) DO UPDATE SET "n" = t\."n" \+ EXCLUDED\."n"/);
  });
});
