/** One item's own outcome in a batch: a value, or the error only that item gets. */
export type Settled<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

export interface CoalescerOptions {
  /** Items per batch at most. */
  readonly maxBatch?: number;
  /** Batches running at once at most; items arriving meanwhile wait for the next one (at most one batch's time). */
  readonly maxInFlight?: number;
  /**
   * The summed weight (the constructor's `weightOf`) a batch takes at most; a batch always takes its first item.
   * Heavy items then go out as several batches, run side by side up to `maxInFlight`, not as one that a single
   * server process must get through alone.
   */
  readonly maxBatchWeight?: number;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly key: string;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A per-process micro-batcher (natural batching, as group commit): items submitted in the same tick, or while
 * `maxInFlight` batches are running, go out together as one batch. A lone item is not held back: with nothing
 * running it goes out as soon as the job that submitted it ends (a microtask); with a batch running and a slot
 * free, on the event loop's next turn (setImmediate), so what arrives meanwhile joins it. Items sharing a key
 * never share a batch nor run in two batches at once: the later one waits for the batch holding the earlier one
 * to finish, so per-key order is submission order. Each item gets its own outcome; a batch that fails as a whole
 * fails each of its items.
 */
export class Coalescer<I, O> {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxBatchWeight: number;
  private readonly queue: Waiting<I, O>[] = [];
  /** Keys of the items in running batches. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: readonly I[]) => Promise<readonly Settled<O>[]>,
    private readonly keyOf: (item: I) => string,
    options: CoalescerOptions = {},
    private readonly weightOf: (item: I) => number = () => 0,
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxBatchWeight = options.maxBatchWeight ?? Infinity;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, key: this.keyOf(item), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      this.flush();
    };
    // Idle: out once the current job ends (what it submitted goes together), without waiting for the event loop's turn.
    if (this.inFlight === 0) queueMicrotask(flush);
    else setImmediate(flush);
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.inFlight++;
      for (const w of batch) this.busy.add(w.key);
      void this.runBatch(batch);
    }
  }

  /** The oldest items whose keys are neither running nor already taken, in submission order. */
  private take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const taken = new Set<string>();
    let weight = 0;
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch;) {
      const waiting = this.queue[i];
      if (this.busy.has(waiting.key) || taken.has(waiting.key)) {
        taken.add(waiting.key); // a later item of this key stays behind this one
        i++;
        continue;
      }
      const itemWeight = this.weightOf(waiting.item);
      if (batch.length > 0 && weight + itemWeight > this.maxBatchWeight) break; // the next batch takes it, in order
      weight += itemWeight;
      taken.add(waiting.key);
      batch.push(waiting);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async runBatch(batch: readonly Waiting<I, O>[]): Promise<void> {
    let results: readonly Settled<O>[] | undefined;
    let failure: unknown;
    try {
      results = await this.run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
    } catch (error) {
      failure = error;
      results = undefined;
    }
    for (const w of batch) this.busy.delete(w.key);
    this.inFlight--;
    batch.forEach((w, i) => {
      const result = results?.[i];
      if (!result) w.reject(failure);
      else if (result.ok) w.resolve(result.value);
      else w.reject(result.error);
    });
    this.schedule();
  }
}
