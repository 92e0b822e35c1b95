/**
 * Go's `encoding/json.Marshal` of a decoded JSON value, which the function uses for string
 * `Convert: ToJson` and for hashing non-string inputs: object keys sorted, and `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`.
 */
import { isJsonObject } from './json';

const HTML_UNSAFE: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => HTML_UNSAFE[ch]);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (isJsonObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${goJsonMarshal(key)}:${goJsonMarshal(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
