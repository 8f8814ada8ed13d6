import fc from 'fast-check';
import { CARD_BRANDS } from './brands';
import { digitRuns } from './digit-runs';
import { findPans, maskPans } from './find-pans';
import { ISSUED, renderedCard } from '../testing/card-numbers';

const asciiDigits = (text: string): string =>
  digitRuns(text)
    .map((r) => r.digits)
    .join('|');

describe('findPans, property', () => {
  it('covers every brand it recognises', () => {
    expect(new Set(ISSUED.map(([brand]) => brand))).toEqual(new Set(CARD_BRANDS));
  });

  it('finds a card number of any brand however it is written, and masking leaves none of it', () => {
    fc.assert(
      fc.property(renderedCard(), ({ pan, text }) => {
        expect(findPans(text).length).toBeGreaterThan(0);
        const masked = maskPans(text);
        expect(findPans(masked)).toEqual([]);
        expect(asciiDigits(masked)).not.toContain(pan);
      }),
      { numRuns: 2000 },
    );
  });
});
