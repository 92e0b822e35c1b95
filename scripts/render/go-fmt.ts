/**
 * The part of Go's `fmt.Sprintf` that patch-and-transform exposes (string `Format`, `combine.string.fmt`,
 * and `%v` wherever the function stringifies a value): verbs v s d q t f F e E g G x X,
 * flags `-+ 0#`, width and precision, `%!verb(type=value)` for a verb that does not fit its argument,
 * `%!v(MISSING)` and `%!(EXTRA ...)` for too few / too many arguments.
 * Values are what the function decodes from JSON: string, bool, int64 (integral numbers),
 * float64 (other numbers), []interface {}, map[string]interface {} and nil.
 * Anything else (argument indexes, `*` widths, rarely used verbs) is refused rather than guessed.
 */

/** Go's `%T` of a decoded JSON value. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
}

const FLAGS = { '-': 'minus', '+': 'plus', ' ': 'space', '0': 'zero', '#': 'sharp' } as const;
type Flag = (typeof FLAGS)[keyof typeof FLAGS];

type Spec = Record<Flag, boolean> & { width?: number; precision?: number };

const PLAIN: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false };

/** Verbs Go accepts per kind of value; the ones this module implements are a subset (IMPLEMENTED). */
const VALID_VERBS: Record<string, string> = {
  string: 'vsxXq',
  bool: 'vt',
  int64: 'vdbcoOqxXU',
  float64: 'vbeEfFgGxX',
};
const IMPLEMENTED_VERBS: Record<string, string> = {
  string: 'vsxXq',
  bool: 'vt',
  int64: 'vdxX',
  float64: 'veEfFgG',
};

/** A finite number as Go's decimal digits: value = 0.digits × 10^point. */
interface Digits {
  digits: string;
  point: number;
}

function toDigits(exponential: string): Digits {
  const [mantissa, exponent] = exponential.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, point: digits === '0' ? 1 : Number(exponent) + 1 };
}

const shortestDigits = (x: number): Digits => toDigits(Math.abs(x).toExponential());
const significantDigits = (x: number, count: number): Digits => toDigits(Math.abs(x).toExponential(Math.max(count, 1) - 1));

function exponentNotation({ digits, point }: Digits, decimals: number, e: string): string {
  const fraction = digits.slice(1).padEnd(decimals, '0').slice(0, decimals);
  const exponent = digits === '0' ? 0 : point - 1;
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${digits[0]}${decimals > 0 ? `.${fraction}` : ''}${e}${exponent < 0 ? '-' : '+'}${magnitude}`;
}

function decimalNotation({ digits, point }: Digits, decimals: number): string {
  const integer = point > 0 ? digits.slice(0, point).padEnd(point, '0') : '0';
  let fraction = '';
  for (let i = 0; i < decimals; i++) fraction += digits[point + i] ?? '0';
  return decimals > 0 ? `${integer}.${fraction}` : integer;
}

/** Go's `%g` (precision undefined = shortest, which switches to an exponent from 1e+06 on). */
function formatG(x: number, precision: number | undefined, e: string): string {
  const shortest = precision === undefined;
  const wanted = shortest ? 0 : Math.max(precision, 1);
  const d = shortest ? shortestDigits(x) : significantDigits(x, wanted);
  const count = d.digits.length;
  let limit = shortest ? 6 : wanted;
  if (!shortest && limit > count && count >= d.point) limit = count;
  const exponent = d.point - 1;
  const digitsToShow = shortest ? count : wanted;
  if (exponent < -4 || exponent >= limit) return exponentNotation(d, Math.min(digitsToShow, count) - 1, e);
  return decimalNotation(d, Math.max((digitsToShow > d.point ? count : digitsToShow) - d.point, 0));
}

/** Go's `strconv.FormatFloat(x, 'f', -1, 64)`: shortest digits, never an exponent. */
export function goPlainFloat(x: number): string {
  const d = shortestDigits(x);
  return `${x < 0 ? '-' : ''}${decimalNotation(d, Math.max(d.digits.length - d.point, 0))}`;
}

function formatFloat(x: number, verb: string, precision: number | undefined): string {
  const sign = x < 0 ? '-' : '';
  switch (verb) {
    case 'e':
    case 'E':
      return sign + exponentNotation(significantDigits(x, (precision ?? 6) + 1), precision ?? 6, verb);
    case 'f':
    case 'F': {
      const decimals = precision ?? 6;
      return Math.abs(x) < 1e21 ? sign + Math.abs(x).toFixed(decimals) : sign + decimalNotation(shortestDigits(x), decimals);
    }
    case 'g':
    case 'G':
      return sign + formatG(x, precision, verb === 'G' ? 'E' : 'e');
    default:
      return sign + formatG(x, undefined, 'e');
  }
}

function formatInteger(n: number, verb: string, spec: Spec): string {
  const sign = n < 0 ? '-' : '';
  if (verb === 'x' || verb === 'X') {
    const hex = Math.abs(n).toString(16);
    return `${sign}${spec.sharp ? '0x' : ''}${verb === 'X' ? hex.toUpperCase() : hex}`;
  }
  return String(n);
}

/** Go's `strconv.Quote`: printable characters kept, the usual backslash escapes, `\xNN` for other control bytes. */
function goQuote(s: string): string {
  const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (escapes[ch]) out += escapes[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function truncateRunes(s: string, precision: number | undefined): string {
  return precision === undefined ? s : Array.from(s).slice(0, precision).join('');
}

function formatString(s: string, verb: string, spec: Spec): string {
  const text = truncateRunes(s, spec.precision);
  if (verb === 'q') return goQuote(text);
  if (verb === 'x' || verb === 'X') {
    const hex = Buffer.from(s, 'utf8').toString('hex');
    return verb === 'X' ? hex.toUpperCase() : hex;
  }
  return text;
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  let body = text;
  if (numeric && !body.startsWith('-') && (spec.plus || spec.space)) body = (spec.plus ? '+' : ' ') + body;
  const width = spec.width ?? 0;
  const length = Array.from(body).length;
  if (length >= width) return body;
  if (spec.minus) return body + ' '.repeat(width - length);
  if (numeric && spec.zero) {
    const signLength = /^[-+ ]/.test(body) ? 1 : 0;
    return body.slice(0, signLength) + '0'.repeat(width - length) + body.slice(signLength);
  }
  return ' '.repeat(width - length) + body;
}

function formatValue(value: unknown, verb: string, spec: Spec): string {
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item, verb, spec)).join(' ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${formatValue(key, verb, spec)}:${formatValue((value as Record<string, unknown>)[key], verb, spec)}`);
    return `map[${entries.join(' ')}]`;
  }
  const type = goTypeName(value);
  if (type === '<nil>') return verb === 'v' ? pad('<nil>', spec, false) : `%!${verb}(<nil>)`;
  if (!VALID_VERBS[type].includes(verb)) return `%!${verb}(${type}=${formatValue(value, 'v', PLAIN)})`;
  if (!IMPLEMENTED_VERBS[type].includes(verb) || (spec.sharp && verb === 'v')) {
    throw new Error(`format verb %${spec.sharp ? '#' : ''}${verb} for a ${type} is not supported by the offline renderer`);
  }
  switch (type) {
    case 'string':
      return pad(formatString(value as string, verb, spec), spec, false);
    case 'bool':
      return pad(String(value), spec, false);
    case 'int64':
      return pad(formatInteger(value as number, verb, spec), spec, true);
    default:
      return pad(formatFloat(value as number, verb, spec.precision), spec, true);
  }
}

/** Go's `%v` of a value: how the function stringifies inputs for string transforms. */
export function goString(value: unknown): string {
  return formatValue(value, 'v', PLAIN);
}

function readNumber(format: string, start: number): { value?: number; end: number } {
  let end = start;
  while (end < format.length && format[end] >= '0' && format[end] <= '9') end++;
  return { value: end > start ? Number(format.slice(start, end)) : undefined, end };
}

/** Go's `fmt.Sprintf(format, args...)` for the supported verbs. */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    const spec: Spec = { ...PLAIN };
    while (i < format.length && format[i] in FLAGS) spec[FLAGS[format[i++] as keyof typeof FLAGS]] = true;
    const width = readNumber(format, i);
    spec.width = width.value;
    i = width.end;
    if (format[i] === '.') {
      const precision = readNumber(format, i + 1);
      spec.precision = precision.value ?? 0;
      i = precision.end;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
    } else if (verb === '*' || verb === '[') {
      throw new Error(`format ${JSON.stringify(format)}: '*' widths and argument indexes are not supported by the offline renderer`);
    } else if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      out += formatValue(args[next++], verb, spec);
    }
  }
  if (next < args.length) {
    const extra = args.slice(next).map((arg) => (arg === null || arg === undefined ? '<nil>' : `${goTypeName(arg)}=${goString(arg)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
