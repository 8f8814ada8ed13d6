import { Counters, addExact } from './expected-counters';

describe('Expected counters', () => {
  it('adds small counts as numbers', () => {
    expect(addExact(2, 3)).toBe(5);
    expect(addExact(0, -7)).toBe(-7);
  });

  it('stays exact past 2^53 by turning to bigint', () => {
    expect(addExact(Number.MAX_SAFE_INTEGER, 1)).toBe(9_007_199_254_740_992n);
    expect(addExact(Number.MAX_SAFE_INTEGER, 2)).toBe(9_007_199_254_740_993n);
    expect(addExact(9_007_199_254_740_993n, 1)).toBe(9_007_199_254_740_994n);
    expect(addExact(1, 9_007_199_254_740_993n)).toBe(9_007_199_254_740_994n);
  });

  it('sums a row of large minor-unit volumes to the exact total', () => {
    const counters = new Counters();
    const amounts = [4_503_599_627_370_497, 4_503_599_627_370_497, 4_503_599_627_370_497, 3];
    for (const volume of amounts) counters.add(['day', '2025-01-01T00:00:00.000Z', 'IDR'], { payments: 1, volume });
    const row = [...counters.rows.values()][0];
    expect(row.payments).toBe(4);
    expect(BigInt(row.volume)).toBe(amounts.reduce((sum, a) => sum + BigInt(a), 0n));
  });
});
