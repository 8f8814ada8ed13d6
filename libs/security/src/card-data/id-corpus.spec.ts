import { idempotencyKeySchema, isAcceptableRequestId, IDEMPOTENCY_KEY_PATTERN, REQUEST_ID_PATTERN } from '../input/identifiers';
import { ID_KINDS, idCorpus } from '../testing/id-corpus';
import { findPans } from './find-pans';

// 5,000 of each kind: a rate of one in a thousand would show as five.
const corpus = idCorpus(5_000);

describe('The detector on identifiers clients and providers generate', () => {
  it.each(ID_KINDS)('finds no card number in any %s', (kind) => {
    const falsePositives = corpus.filter((entry) => entry.kind === kind && findPans(entry.id).length > 0).map((entry) => entry.id);
    expect(falsePositives).toEqual([]);
  });

  it('accepts every one of its character set as an Idempotency-Key and as an X-Request-Id', () => {
    const keys = corpus.filter(({ id }) => IDEMPOTENCY_KEY_PATTERN.test(id));
    const requestIds = corpus.filter(({ id }) => REQUEST_ID_PATTERN.test(id));
    // Only the timestamps written with a space (PostgreSQL's form) and `#` order numbers are outside the set.
    expect(keys.length).toBeGreaterThan(corpus.length * 0.9);
    expect(keys.filter(({ id }) => !idempotencyKeySchema.safeParse(id).success)).toEqual([]);
    expect(requestIds.filter(({ id }) => !isAcceptableRequestId(id))).toEqual([]);
  });
});
