/**
 * The `convert` transform (patch-and-transform docs "Convert transforms"): casts between string,
 * bool, int64 (`int` is an alias) and float64, and parses JSON strings into objects or arrays.
 * Converting to the input's own type returns it unchanged; any other pair not listed is an error.
 */
import { goPlainFloat, goTypeName } from '../go-fmt';
import { requireOneOf, requireObject } from '../input';
import { parseQuantity } from './quantity';
import type { Transform } from './types';

const TO_TYPES = ['string', 'bool', 'int', 'int64', 'float64', 'object', 'array'] as const;
const FORMATS = ['none', 'quantity', 'json'] as const;
const CONVERTIBLE_INPUTS = ['string', 'bool', 'int64', 'float64'];
const BOOL_STRINGS: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const value = BigInt(s);
  if (value < INT64_MIN || value > INT64_MAX) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(value);
}

function parseFloat64(s: string): number {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  const value = Number(s);
  if (!Number.isFinite(value)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return value;
}

function parseBool(s: string): boolean {
  if (!(s in BOOL_STRINGS)) throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
  return BOOL_STRINGS[s];
}

/** JSON text that must decode to `kind` (a JSON null decodes to null, as into a Go map or slice). */
function parseJson(s: string, kind: 'object' | 'array'): unknown {
  const value: unknown = JSON.parse(s);
  const isKind = value === null || (kind === 'array' ? Array.isArray(value) : typeof value === 'object' && !Array.isArray(value));
  if (!isKind) throw new Error(`json: cannot unmarshal ${goTypeName(value)} into Go value of type ${kind === 'array' ? '[]interface {}' : 'map[string]interface {}'}`);
  return value;
}

/** Conversions by `from->to/format`. */
const CONVERSIONS: Record<string, (input: never) => unknown> = {
  'string->int64/none': (s: string) => parseInt64(s),
  'string->bool/none': (s: string) => parseBool(s),
  'string->float64/none': (s: string) => parseFloat64(s),
  'string->float64/quantity': (s: string) => parseQuantity(s),
  'string->object/json': (s: string) => parseJson(s, 'object'),
  'string->array/json': (s: string) => parseJson(s, 'array'),
  'int64->string/none': (n: number) => String(n),
  'int64->bool/none': (n: number) => n === 1,
  'int64->float64/none': (n: number) => n,
  'bool->string/none': (b: boolean) => String(b),
  'bool->int64/none': (b: boolean) => (b ? 1 : 0),
  'bool->float64/none': (b: boolean) => (b ? 1 : 0),
  'float64->string/none': (x: number) => goPlainFloat(x),
  'float64->int64/none': (x: number) => Math.trunc(x),
  'float64->bool/none': (x: number) => x === 1,
};

export function compileConvert(config: unknown): Transform {
  const convert = requireObject(config, 'convert');
  const requested = requireOneOf(convert.toType, TO_TYPES, 'convert.toType');
  const format = convert.format === undefined ? 'none' : requireOneOf(convert.format, FORMATS, 'convert.format');
  const to = requested === 'int' ? 'int64' : requested;
  return (input) => {
    const from = goTypeName(input);
    if (!CONVERTIBLE_INPUTS.includes(from)) throw new Error(`invalid input type ${from}`);
    if (from === to) return input;
    const conversion = CONVERSIONS[`${from}->${to}/${format}`];
    if (!conversion) throw new Error(`conversion from ${from} to ${to} is not supported with format ${format}`);
    return conversion(input as never);
  };
}
