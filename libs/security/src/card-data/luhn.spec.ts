import { luhnCheckDigit, luhnValid } from './luhn';

describe('luhnValid', () => {
  it.each(['4111111111111111', '378282246310005', '6011111111111117', '79927398713'])('accepts %s', (n) => {
    expect(luhnValid(n)).toBe(true);
  });

  it.each(['4111111111111112', '378282246310006', '79927398710', '1234567812345678'])('rejects %s', (n) => {
    expect(luhnValid(n)).toBe(false);
  });

  it('rejects non-digits and too-short input', () => {
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('luhnCheckDigit', () => {
  it('completes a number so that it passes', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('411111111111111')).toBe('1');
  });

  it('refuses non-digits', () => {
    expect(() => luhnCheckDigit('41x')).toThrow(TypeError);
  });
});
