import { created, disputeClosed, disputed, given, lines, succeeded } from '../../testing/given';

describe('Books: disputes', () => {
  const paid = [created(), succeeded()] as const;

  it('moves withdrawn funds from provider:<p> to provider:<p>:disputed', () => {
    const [entry] = given(...paid).when(disputed(10_000));
    expect(lines(entry)).toEqual([
      ['provider:stripe:disputed', 'USD', 10_000, 0],
      ['provider:stripe', 'USD', 0, 10_000],
    ]);
  });

  it('posts nothing for an inquiry that withdraws nothing', () => {
    expect(given(...paid).when(disputed(0))).toEqual([undefined]);
  });

  it.each(['won', 'warning_closed', 'prevented'] as const)('moves the funds back to provider:<p> when %s', (outcome) => {
    const [entry] = given(...paid, disputed(4_000)).when(disputeClosed(outcome, 4_000));
    expect(entry?.memo).toBe(`dispute ${outcome}`);
    expect(lines(entry)).toEqual([
      ['provider:stripe', 'USD', 4_000, 0],
      ['provider:stripe:disputed', 'USD', 0, 4_000],
    ]);
  });

  it('moves the funds to expense:dispute_losses when lost', () => {
    const [entry] = given(...paid, disputed(4_000)).when(disputeClosed('lost', 4_000));
    expect(lines(entry)).toEqual([
      ['expense:dispute_losses', 'USD', 4_000, 0],
      ['provider:stripe:disputed', 'USD', 0, 4_000],
    ]);
  });

  it('closes an inquiry of 0 with nothing either', () => {
    expect(given(...paid, disputed(0)).when(disputeClosed('won', 0))).toEqual([undefined]);
  });
});
