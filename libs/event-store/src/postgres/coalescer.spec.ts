import { Coalescer, type Settled } from './coalescer';

interface Item {
  readonly key: string;
  readonly value: number;
}

/** A run whose batches the test finishes by hand, recording each batch it was given. */
function harness(options: { maxBatch?: number; maxInFlight?: number; maxBatchWeight?: number } = {}) {
  const batches: Item[][] = [];
  const finish: ((results: Settled<number>[] | Error) => void)[] = [];
  const coalescer = new Coalescer<Item, number>(
    (items) => {
      batches.push([...items]);
      return new Promise((resolve, reject) => finish.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
    },
    (item) => item.key,
    options,
    (item) => item.value, // an item weighs its value
  );
  const doubled = (n: number) => batches[n].map((i): Settled<number> => ({ ok: true, value: i.value * 2 }));
  return { coalescer, batches, finish, doubled };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('sends a lone item at once when nothing is running (no turn of the event loop), alone', async () => {
    const { coalescer, batches, finish, doubled } = harness();
    const result = coalescer.submit({ key: 'a', value: 1 });
    await Promise.resolve();
    expect(batches).toEqual([[{ key: 'a', value: 1 }]]);
    finish[0](doubled(0));
    await expect(result).resolves.toBe(2);
  });

  it('sends items submitted in one tick as one batch, each with its own result', async () => {
    const { coalescer, batches, finish, doubled } = harness();
    const results = [1, 2, 3].map((value) => coalescer.submit({ key: `k${value}`, value }));
    await turn();
    expect(batches).toHaveLength(1);
    expect(batches[0].map((i) => i.value)).toEqual([1, 2, 3]);
    finish[0](doubled(0));
    await expect(Promise.all(results)).resolves.toEqual([2, 4, 6]);
  });

  it("gives one item its error without failing the others'", async () => {
    const { coalescer, finish } = harness();
    const ok = coalescer.submit({ key: 'a', value: 1 });
    const refused = coalescer.submit({ key: 'b', value: 2 });
    await turn();
    const conflict = new Error('conflict of b');
    finish[0]([
      { ok: true, value: 10 },
      { ok: false, error: conflict },
    ]);
    await expect(ok).resolves.toBe(10);
    await expect(refused).rejects.toBe(conflict);
  });

  it('fails every item of a batch that fails as a whole', async () => {
    const { coalescer, finish } = harness();
    const results = [1, 2].map((value) => coalescer.submit({ key: `k${value}`, value }));
    await turn();
    const outage = new Error('connection lost');
    finish[0](outage);
    await Promise.all(results.map((r) => expect(r).rejects.toBe(outage)));
  });

  it('keeps two items of one key apart, the later after the batch of the earlier, in submission order', async () => {
    const { coalescer, batches, finish, doubled } = harness();
    const first = coalescer.submit({ key: 's', value: 1 });
    const other = coalescer.submit({ key: 't', value: 2 });
    const second = coalescer.submit({ key: 's', value: 3 });
    await turn();
    // A second slot is free, but the key is busy: the later item waits for the batch holding the earlier one.
    expect(batches).toEqual([
      [
        { key: 's', value: 1 },
        { key: 't', value: 2 },
      ],
    ]);
    finish[0](doubled(0));
    await expect(first).resolves.toBe(2);
    await turn();
    expect(batches[1]).toEqual([{ key: 's', value: 3 }]);
    finish[1](doubled(1));
    await expect(second).resolves.toBe(6);
    await expect(other).resolves.toBe(4);
  });

  it('bounds a batch by maxBatch and the batches running by maxInFlight; the rest waits for a free slot', async () => {
    const { coalescer, batches, finish, doubled } = harness({ maxBatch: 2, maxInFlight: 2 });
    const results = [1, 2, 3, 4, 5, 6].map((value) => coalescer.submit({ key: `k${value}`, value }));
    await turn();
    expect(batches.map((b) => b.map((i) => i.value))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    finish[0](doubled(0));
    await results[0];
    await turn();
    expect(batches.map((b) => b.map((i) => i.value))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    finish[1](doubled(1));
    finish[2](doubled(2));
    await expect(Promise.all(results)).resolves.toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('bounds a batch by maxBatchWeight (its first item always goes), in submission order, heavy batches side by side', async () => {
    const { coalescer, batches, finish, doubled } = harness({ maxBatchWeight: 10, maxInFlight: 4 });
    // 4 + 5 fit; 6 would make 15: the next batch; 12 alone is over the bound, and goes on its own; then 1 + 2.
    const results = [4, 5, 6, 12, 1, 2].map((value) => coalescer.submit({ key: `k${value}`, value }));
    await turn();
    expect(batches.map((b) => b.map((i) => i.value))).toEqual([[4, 5], [6], [12], [1, 2]]);
    batches.forEach((_, n) => finish[n](doubled(n)));
    await expect(Promise.all(results)).resolves.toEqual([8, 10, 12, 24, 2, 4]);
  });
});
