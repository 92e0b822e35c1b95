import { createHash } from 'node:crypto';

/**
 * Card numbers (PANs) never reach a log line or a stored identifier.
 *
 * A PAN-like run is a maximal run of 13-19 digits — optionally split by single spaces, dashes, underscores, dots or colons,
 * not touching another digit — that passes the Luhn check, as every card number does. Maximal
 * matters: a 20+ digit run is no card number (none is longer than 19 digits), so long numeric ids
 * are left alone instead of having a 16-digit window masked out of their middle. UUIDs (8-4-4-4-12
 * hex, e.g. every Lambda request id) are identifiers and are never touched, even when all their
 * groups are digits.
 *
 * The same predicate decides both what is masked in logs (`maskCardNumbers`) and which identifiers
 * are stored hashed (`storableIdentifier`), so an identifier that is stored is never altered by the
 * masking: event ids and request ids stay traceable from the log to the database.
 */
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;
/**
 * Digits, each optionally separated from the next by one space, dash, underscore, dot or colon
 * (how PANs get written into text and ids).
 */
const DIGIT_RUN = /(?<!\d)\d(?:[ ._:-]?\d)*(?!\d)/g;

export function maskCardNumbers(text: string): string {
  let masked = '';
  let from = 0;
  for (const uuid of text.matchAll(UUID)) {
    masked += maskRuns(text.slice(from, uuid.index)) + uuid[0];
    from = (uuid.index ?? 0) + uuid[0].length;
  }
  return masked + maskRuns(text.slice(from));
}

/** True when masking would change `text`: it carries something shaped like a card number. */
export function containsCardNumber(text: string): boolean {
  return maskCardNumbers(text) !== text;
}

/**
 * An identifier as it is stored, logged and answered: itself, or — when it carries a card-number-like
 * run — `sha256_<base64url of its SHA-256>`, the same for every delivery of the same id (so
 * idempotency and the UNIQUE event id still work) and never the digits themselves.
 */
export function storableIdentifier(id: string): string {
  if (!containsCardNumber(id)) return id;
  // a digest that itself looks card-like (about 1 in 10^9) is salted until it does not: still deterministic
  for (let salt = 0; ; salt++) {
    const hashed = `sha256_${createHash('sha256')
      .update(salt ? `${id}#${salt}` : id)
      .digest('base64url')}`;
    if (!containsCardNumber(hashed)) return hashed;
  }
}

function maskRuns(text: string): string {
  return text.replace(DIGIT_RUN, maskRun);
}

/**
 * Masks, within one maximal run, the longest separator-delimited stretches of 13-19 digits that
 * pass Luhn (a run of 20+ digits can still hold a card number next to, say, a date:
 * "2025-06-01 4111 1111 1111 1111"); a group of digits is never split.
 */
function maskRun(run: string): string {
  const parts = run.split(/([ ._:-])/);
  const groups = parts.filter((_, index) => index % 2 === 0);
  const separators = parts.filter((_, index) => index % 2 === 1);
  let masked = '';
  for (let first = 0; first < groups.length; ) {
    let last = -1;
    for (let end = groups.length - 1; end >= first && last < 0; end--) {
      const digits = groups.slice(first, end + 1).join('');
      if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) last = end;
    }
    const next = last < 0 ? first : last;
    const digits = groups.slice(first, next + 1).join('');
    masked += last < 0 ? groups[first] : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
    if (next < separators.length) masked += separators[next];
    first = next + 1;
  }
  return masked;
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
