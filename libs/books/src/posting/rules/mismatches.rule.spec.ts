import { created, given, lines, mismatch, reviewed, succeeded } from '../../testing/given';

describe('Books: provider mismatches', () => {
  it("holds a provider amount in another currency in suspense:<p>, in the provider's currency", () => {
    const [entry] = given(created()).when(mismatch({ amount: 9_000, currency: 'EUR' }));
    expect(entry?.memo).toBe('provider mismatch held in suspense');
    expect(lines(entry)).toEqual([
      ['provider:stripe', 'EUR', 9_000, 0],
      ['suspense:stripe', 'EUR', 0, 9_000],
    ]);
  });

  it('posts the same mismatch reported again once', () => {
    const [, again] = given(created()).when(mismatch({ amount: 12_000, currency: 'USD' }), mismatch({ amount: 12_000, currency: 'USD' }));
    expect(again).toBeUndefined();
  });

  it('posts nothing for a mismatch that does not hold the payment or names no amount', () => {
    const events = given(created(), succeeded()).when(
      mismatch({ amount: 20_000, currency: 'USD' }, false, 'dispute:dp_1'),
      mismatch({ currency: 'USD' }, true, 'event:evt_1'),
    );
    expect(events).toEqual([undefined, undefined]);
  });

  it('releases the suspense when reviewed; an accepted amount is then booked by its success', () => {
    const [release, success] = given(created(), mismatch({ amount: 12_000, currency: 'USD' })).when(
      reviewed('accept_provider'),
      succeeded({ amount: 12_000 }),
    );
    expect(lines(release)).toEqual([
      ['suspense:stripe', 'USD', 12_000, 0],
      ['provider:stripe', 'USD', 0, 12_000],
    ]);
    expect(lines(success)).toEqual([
      ['provider:stripe', 'USD', 12_000, 0],
      ['revenue:sales', 'USD', 0, 12_000],
    ]);
  });

  it('releases a suspense in another currency in that currency on a write-off', () => {
    const [release] = given(created(), mismatch({ amount: 9_000, currency: 'EUR' })).when(reviewed('write_off'));
    expect(lines(release)).toEqual([
      ['suspense:stripe', 'EUR', 9_000, 0],
      ['provider:stripe', 'EUR', 0, 9_000],
    ]);
  });
});
