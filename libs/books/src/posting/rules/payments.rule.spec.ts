import { created, given, lines, succeeded } from '../../testing/given';

describe('Books: payment succeeded', () => {
  it('debits provider:<p> and credits revenue:sales with the captured amount', () => {
    const [entry] = given(created()).when(succeeded({ amount: 9_500 }));
    expect(entry?.memo).toBe('payment succeeded');
    expect(lines(entry)).toEqual([
      ['provider:stripe', 'USD', 9_500, 0],
      ['revenue:sales', 'USD', 0, 9_500],
    ]);
  });

  it("books a Paystack capture on Paystack's account", () => {
    const [entry] = given(created({ provider: 'paystack', currency: 'NGN' })).when(succeeded({ amount: 500_000, currency: 'NGN' }));
    expect(lines(entry)).toEqual([
      ['provider:paystack', 'NGN', 500_000, 0],
      ['revenue:sales', 'NGN', 0, 500_000],
    ]);
  });

  it('posts nothing for a creation and refuses a success of a payment never created', () => {
    expect(given().when(created())).toEqual([undefined]);
    expect(() => given().when(succeeded())).toThrow(/never saw created/);
  });
});
