/** A stored refusal replayed under its Idempotency-Key: sent as the exact bytes first sent, with their status. */
export class ReplayedResponse extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super('replayed response');
    this.name = 'ReplayedResponse';
  }
}
