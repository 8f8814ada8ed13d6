import { effectiveDate, nextPeriod, periodStart } from './periods';

const pos = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });

describe('Books: effective dates and late entries', () => {
  const closes = [{ period: '2026-10', covered: pos(100) }];

  it('dates an entry on its occurredAt while its period is open', () => {
    const at = new Date('2026-11-03T10:00:00Z');
    expect(effectiveDate(at, pos(150), closes)).toEqual({ effectiveAt: at, period: '2026-11', late: false });
  });

  it('dates an event recorded after a close but occurring in the closed period on the start of the first open period, late', () => {
    const at = new Date('2026-10-31T23:59:00Z');
    expect(effectiveDate(at, pos(101), closes)).toEqual({ effectiveAt: new Date('2026-11-01T00:00:00Z'), period: '2026-11', late: true });
  });

  it('keeps an event the close covered in its own period (a rebuild dates it the same)', () => {
    const at = new Date('2026-10-31T23:59:00Z');
    expect(effectiveDate(at, pos(100), closes)).toEqual({ effectiveAt: at, period: '2026-10', late: false });
  });

  it('takes the latest closed period when several are closed', () => {
    const more = [...closes, { period: '2026-11', covered: pos(200) }];
    expect(effectiveDate(new Date('2026-09-15T00:00:00Z'), pos(201), more).effectiveAt).toEqual(new Date('2026-12-01T00:00:00Z'));
  });

  it('names periods as UTC calendar months across a year end', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(periodStart('2027-01')).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(() => periodStart('2026-13')).toThrow(/not a period/);
  });
});
