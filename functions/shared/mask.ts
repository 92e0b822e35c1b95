/**
 * Card-number masking for everything that reaches a log line. A PAN-like run is 13-19 digits,
 * optionally split by single spaces or dashes, that passes the Luhn check (as every card number
 * does); all but its last four digits are replaced. The Luhn check spares most long numeric ids.
 */
const PAN_LIKE = /\d(?:[ -]?\d){12,18}/g;

export function maskCardNumbers(text: string): string {
  return text.replace(PAN_LIKE, (run) => {
    const digits = run.replace(/\D/g, '');
    return passesLuhn(digits) ? `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}` : run;
  });
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
