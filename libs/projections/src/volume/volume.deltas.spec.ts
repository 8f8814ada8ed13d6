import { minuteStart } from '../health/health.deltas';
import { bucketStart } from './volume.deltas';

describe('Time buckets', () => {
  const at = new Date('2025-11-21T23:59:59.999Z');

  it('starts hour and day buckets in UTC', () => {
    expect(bucketStart(at, 'hour')).toBe('2025-11-21T23:00:00.000Z');
    expect(bucketStart(at, 'day')).toBe('2025-11-21T00:00:00.000Z');
    expect(minuteStart(at)).toBe('2025-11-21T23:59:00.000Z');
  });
});
