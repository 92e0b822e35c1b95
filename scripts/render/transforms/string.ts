/**
 * The `string` transform (patch-and-transform docs "String transforms"). Every type but Join reads
 * the input as Go's `%v` of it, so numbers and booleans are accepted too.
 */
import { createHash } from 'crypto';
import { goSprintf, goString, goTypeName } from '../go-fmt';
import { goJsonMarshal } from '../go-json';
import { goRegExp } from '../go-regexp';
import { optionalString, requireInteger, requireObject, requireOneOf, requireString, requireText, within } from '../input';
import type { Transform } from './types';

const STRING_TYPES = ['Format', 'Convert', 'TrimPrefix', 'TrimSuffix', 'Regexp', 'Join', 'Replace'] as const;
const CONVERSIONS = ['ToUpper', 'ToLower', 'ToBase64', 'FromBase64', 'ToJson', 'ToSha1', 'ToSha256', 'ToSha512', 'ToAdler32'] as const;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes to hash: a string's UTF-8, anything else its Go JSON encoding. */
function hashInput(input: unknown): Buffer {
  return Buffer.from(typeof input === 'string' ? input : goJsonMarshal(input), 'utf8');
}

function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

function fromBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '');
  if (!STRICT_BASE64.test(compact)) throw new Error('string is not valid base64');
  return Buffer.from(compact, 'base64').toString('utf8');
}

const CONVERTERS: Record<(typeof CONVERSIONS)[number], (input: unknown) => string> = {
  ToUpper: (input) => goString(input).toUpperCase(),
  ToLower: (input) => goString(input).toLowerCase(),
  ToBase64: (input) => Buffer.from(goString(input), 'utf8').toString('base64'),
  FromBase64: (input) => fromBase64(goString(input)),
  ToJson: (input) => goJsonMarshal(input),
  ToSha1: (input) => createHash('sha1').update(hashInput(input)).digest('hex'),
  ToSha256: (input) => createHash('sha256').update(hashInput(input)).digest('hex'),
  ToSha512: (input) => createHash('sha512').update(hashInput(input)).digest('hex'),
  ToAdler32: (input) => String(adler32(hashInput(input))),
};

function compileRegexp(config: unknown): Transform {
  const regexp = requireObject(config, 'string.regexp');
  const match = requireString(regexp.match, 'string.regexp.match');
  const pattern = within('string.regexp.match', () => goRegExp(match));
  const group = regexp.group === undefined ? 0 : requireInteger(regexp.group, 'string.regexp.group');
  return (input) => {
    const groups = pattern.exec(goString(input));
    if (!groups || group >= groups.length) throw new Error(`regexp ${JSON.stringify(match)} had no matches for group ${group}`);
    return groups[group] ?? '';
  };
}

/**
 * Join: each element's `%v`, separated by the separator (the documented behaviour; upstream
 * function-patch-and-transform drops only the last byte of a multi-character trailing separator).
 */
function compileJoin(config: unknown): Transform {
  const separator = optionalString(requireObject(config, 'string.join').separator, 'string.join.separator', '');
  return (input) => {
    if (!Array.isArray(input)) throw new Error(`Join needs an array input, got ${goTypeName(input)}`);
    return input.map(goString).join(separator);
  };
}

function compileReplace(config: unknown): Transform {
  const replace = requireObject(config, 'string.replace');
  const search = requireString(replace.search, 'string.replace.search');
  const replacement = optionalString(replace.replace, 'string.replace.replace', '');
  return (input) => goString(input).split(search).join(replacement);
}

export function compileString(config: unknown): Transform {
  const string = requireObject(config, 'string');
  const type = requireOneOf(string.type, STRING_TYPES, 'string.type');
  switch (type) {
    case 'Format': {
      const format = requireText(string.fmt, 'string.fmt');
      return (input) => goSprintf(format, [input]);
    }
    case 'Convert':
      return CONVERTERS[requireOneOf(string.convert, CONVERSIONS, 'string.convert')];
    case 'TrimPrefix':
    case 'TrimSuffix': {
      const trim = requireText(string.trim, 'string.trim');
      return (input) => {
        const text = goString(input);
        if (type === 'TrimPrefix') return text.startsWith(trim) ? text.slice(trim.length) : text;
        return trim && text.endsWith(trim) ? text.slice(0, -trim.length) : text;
      };
    }
    case 'Regexp':
      return compileRegexp(string.regexp);
    case 'Join':
      return compileJoin(string.join);
    case 'Replace':
      return compileReplace(string.replace);
  }
}
