import { created, given, lines, refundReported, refundReversed, refunded, succeeded } from '../../testing/given';

describe('Books: refunds', () => {
  const paid = [created(), succeeded()] as const;

  it('debits revenue:refunds and credits provider:<p> with what the refunded total moved', () => {
    const [first, second] = given(...paid).when(refunded(3_000, 3_000), refunded(2_000, 5_000));
    expect(lines(first)).toEqual([
      ['revenue:refunds', 'USD', 3_000, 0],
      ['provider:stripe', 'USD', 0, 3_000],
    ]);
    expect(lines(second)).toEqual([
      ['revenue:refunds', 'USD', 2_000, 0],
      ['provider:stripe', 'USD', 0, 2_000],
    ]);
  });

  it('counts a refund reported again by another channel once: the total did not move, nothing is posted', () => {
    const [, again] = given(...paid).when(refunded(3_000, 3_000, 're_api'), refunded(3_000, 3_000, 're_api'));
    expect(again).toBeUndefined();
  });

  it('posts only the part a cumulative report proved beyond the named refunds', () => {
    const [report] = given(...paid, refunded(3_000, 3_000)).when(refundReported(4_000, 1_000, 4_000));
    expect(lines(report)).toEqual([
      ['revenue:refunds', 'USD', 1_000, 0],
      ['provider:stripe', 'USD', 0, 1_000],
    ]);
  });

  it('reverses a counted refund the provider reports failed', () => {
    const [reversal] = given(...paid, refunded(3_000, 3_000)).when(refundReversed(3_000, 3_000, 0));
    expect(reversal?.memo).toBe('refund reversed');
    expect(lines(reversal)).toEqual([
      ['provider:stripe', 'USD', 3_000, 0],
      ['revenue:refunds', 'USD', 0, 3_000],
    ]);
  });

  it('posts nothing for a reversal of a refund that never entered the total', () => {
    expect(given(...paid).when(refundReversed(3_000, 0, 0))).toEqual([undefined]);
  });
});
