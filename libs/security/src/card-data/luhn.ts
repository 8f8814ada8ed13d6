const DIGITS = /^\d+$/;

export function luhnValid(digits: string): boolean {
  return digits.length >= 2 && DIGITS.test(digits) && luhnSum(digits, false) % 10 === 0;
}

/** The digit to append to `partial` so the result passes the Luhn check. */
export function luhnCheckDigit(partial: string): string {
  if (!DIGITS.test(partial)) throw new TypeError('luhnCheckDigit expects digits only');
  return String((10 - (luhnSum(partial, true) % 10)) % 10);
}

function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  let double = doubleRightmost;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}
