/**
 * Transforms, each test named after the section of the Crossplane "Function Patch and Transform"
 * guide (docs.crossplane.io/latest/guides/function-patch-and-transform) that documents it.
 */
import { RenderError } from '../../scripts/render/index';
import { transformed } from './fixtures';

const string = (config: object) => ({ type: 'string', string: config });
const convertTo = (toType: string, format?: string) => ({ type: 'convert', convert: { toType, ...(format ? { format } : {}) } });
const math = (config: object) => ({ type: 'math', math: config });
const match = (config: object) => ({ type: 'match', match: config });
const stringConvert = (convert: string) => string({ type: 'Convert', convert });

describe('string transforms', () => {
  test('patch-and-transform docs "String format": Go fmt verbs format the input', () => {
    expect(transformed('eu', string({ type: 'Format', fmt: 'the-field-%s' }))).toBe('the-field-eu');
    expect(transformed(42, string({ type: 'Format', fmt: 'port-%d' }))).toBe('port-42');
    expect(transformed(7, string({ type: 'Format', fmt: '%03d' }))).toBe('007');
  });

  test('patch-and-transform docs "String format": a verb that does not fit the input prints as Go does', () => {
    expect(transformed(42, string({ type: 'Format', fmt: 'port-%s' }))).toBe('port-%!s(int64=42)');
  });

  test('patch-and-transform docs "String convert": ToUpper and ToLower', () => {
    expect(transformed('Field1-Text', stringConvert('ToUpper'))).toBe('FIELD1-TEXT');
    expect(transformed('Field1-Text', stringConvert('ToLower'))).toBe('field1-text');
  });

  test('patch-and-transform docs "String convert": ToBase64 and FromBase64', () => {
    expect(transformed('crossplane', stringConvert('ToBase64'))).toBe('Y3Jvc3NwbGFuZQ==');
    expect(transformed('Y3Jvc3NwbGFuZQ==', stringConvert('FromBase64'))).toBe('crossplane');
  });

  test('patch-and-transform docs "String convert": FromBase64 of text that is not base64 is an error', () => {
    expect(() => transformed('not base64!', stringConvert('FromBase64'))).toThrow(/string is not valid base64/);
  });

  test('patch-and-transform docs "String convert": ToJson encodes any input as JSON (Go encoding: sorted keys, HTML escaped)', () => {
    expect(transformed({ b: 1, a: '<b>' }, stringConvert('ToJson'))).toBe('{"a":"\\u003cb\\u003e","b":1}');
    expect(transformed('text', stringConvert('ToJson'))).toBe('"text"');
  });

  test('patch-and-transform docs "String convert": ToSha1, ToSha256, ToSha512 hash the input string', () => {
    expect(transformed('crossplane', stringConvert('ToSha1'))).toBe('acc45ad381f6cec9e5b31e520d841a57932febd8');
    expect(transformed('crossplane', stringConvert('ToSha256'))).toBe('de727ce20dac518d68733542fa57d4b82bed9714d6567a9cfd1cffabd6725830');
    expect(transformed('crossplane', stringConvert('ToSha512'))).toBe(
      '4ece3d7125c926c15520c4a7595a6eac1a8c457161f657553675c3e87b868b7fb5a4371da5df2f998b74f9186c12e4f1faa80ed60b0fd45f8ec8e000258ae422',
    );
  });

  test('patch-and-transform docs "String convert": a hash of a non-string input hashes its JSON', () => {
    expect(transformed({ b: 1, a: '<b>' }, stringConvert('ToSha256'))).toBe('98807013cece84f6f263949acbe2d3fef15d77bb3fd9478e6ed49e112a4b0dd5');
  });

  test('patch-and-transform docs "String convert": ToAdler32 gives the decimal Adler-32 checksum', () => {
    expect(transformed('crossplane', stringConvert('ToAdler32'))).toBe('394069051');
  });

  test('patch-and-transform docs "Trim prefix" and "Trim suffix"', () => {
    expect(transformed('eu-north-1', string({ type: 'TrimPrefix', trim: 'eu-' }))).toBe('north-1');
    expect(transformed('eu-north-1', string({ type: 'TrimSuffix', trim: '-north-1' }))).toBe('eu');
    expect(transformed('us-east-1', string({ type: 'TrimPrefix', trim: 'eu-' }))).toBe('us-east-1');
  });

  test('patch-and-transform docs "Regular expression type": group selects a capture group, 0 the whole match', () => {
    expect(transformed('eu-north-1', string({ type: 'Regexp', regexp: { match: '^eu-(.*)-', group: 1 } }))).toBe('north');
    expect(transformed('eu-north-1', string({ type: 'Regexp', regexp: { match: '^eu-(.*)-' } }))).toBe('eu-north-');
  });

  test('patch-and-transform docs "Regular expression type": no match is an error', () => {
    expect(() => transformed('us-east-1', string({ type: 'Regexp', regexp: { match: '^eu-(.*)-', group: 1 } }))).toThrow(/had no matches for group 1/);
  });

  test('patch-and-transform docs "Join": joins an array with the separator', () => {
    expect(transformed(['a', 'b', 42], string({ type: 'Join', join: { separator: ',' } }))).toBe('a,b,42');
    expect(transformed(['a', 'b'], string({ type: 'Join', join: { separator: ', ' } }))).toBe('a, b');
    expect(() => transformed('a', string({ type: 'Join', join: { separator: ',' } }))).toThrow(/needs an array input, got string/);
  });

  test('patch-and-transform docs "Replace": replaces every occurrence of search', () => {
    expect(transformed('europe-west-europe', string({ type: 'Replace', replace: { search: 'europe', replace: 'eu' } }))).toBe('eu-west-eu');
    expect(transformed('europe-west', string({ type: 'Replace', replace: { search: 'europe-' } }))).toBe('west');
  });

  test('function-patch-and-transform README "New Required fields": string.type has no default', () => {
    expect(() => transformed('x', string({ fmt: '%s' }))).toThrow(/transforms\[0\]\.string\.type: is missing/);
  });
});

describe('map transforms', () => {
  const regions = { type: 'map', map: { us: 'us-east-2', eu: 'eu-north-1' } };

  test('patch-and-transform docs "Map transforms": the input selects the mapped value', () => {
    expect(transformed('eu', regions)).toBe('eu-north-1');
  });

  test('patch-and-transform docs "Map transforms": a missing key is an error', () => {
    expect(() => transformed('mars', regions)).toThrow(RenderError);
    expect(() => transformed('mars', regions)).toThrow(
      'cannot render composed resource "vpc": "FromCompositeFieldPath" patch at index 0: transform at index 0 (map): key "mars" is not found in map',
    );
  });

  test('patch-and-transform docs "Map transforms": mapped values may be objects', () => {
    expect(transformed('small', { type: 'map', map: { small: { cpu: 1, memory: '2Gi' } } })).toEqual({ cpu: 1, memory: '2Gi' });
  });
});

describe('match transforms', () => {
  test('patch-and-transform docs "Match an exact string": a literal pattern gives its result', () => {
    expect(transformed('field1-text', match({ patterns: [{ type: 'literal', literal: 'field1-text', result: 'matchedLiteral' }] }))).toBe('matchedLiteral');
  });

  test('patch-and-transform docs "Match a regular expression": the first matching pattern wins', () => {
    const patterns = [
      { type: 'regexp', regexp: '^field1.*', result: 'foundField1' },
      { type: 'literal', literal: 'field1-text', result: 'second' },
    ];
    expect(transformed('field1-text', match({ patterns }))).toBe('foundField1');
  });

  test('patch-and-transform docs "Using default values": fallbackTo Value gives fallbackValue', () => {
    const config = { patterns: [{ type: 'literal', literal: 'UnknownString', result: 'x' }], fallbackTo: 'Value', fallbackValue: 'StringNotFound' };
    expect(transformed('field1-text', match(config))).toBe('StringNotFound');
  });

  test('patch-and-transform docs "Using default values": fallbackTo Input gives the input', () => {
    const config = { patterns: [{ type: 'literal', literal: 'UnknownString', result: 'x' }], fallbackTo: 'Input' };
    expect(transformed('field1-text', match(config))).toBe('field1-text');
  });

  test('patch-and-transform docs "Match transform": a pattern needs a type (the function has no default)', () => {
    expect(() => transformed('a', match({ patterns: [{ literal: 'a', result: 'b' }] }))).toThrow(/match\.patterns\[0\]\.type: is missing/);
  });
});

describe('math transforms', () => {
  test('patch-and-transform docs "Multiply": multiplies the input', () => {
    expect(transformed(21, math({ type: 'Multiply', multiply: 2 }))).toBe(42);
  });

  test('patch-and-transform docs "clampMin": inputs below the minimum become the minimum', () => {
    expect(transformed(5, math({ type: 'ClampMin', clampMin: 20 }))).toBe(20);
    expect(transformed(25, math({ type: 'ClampMin', clampMin: 20 }))).toBe(25);
  });

  test('patch-and-transform docs "clampMax": inputs above the maximum become the maximum', () => {
    expect(transformed(9, math({ type: 'ClampMax', clampMax: 5 }))).toBe(5);
    expect(transformed(3, math({ type: 'ClampMax', clampMax: 5 }))).toBe(3);
  });

  test('patch-and-transform docs "Math transforms": a string input is an error', () => {
    expect(() => transformed('3', math({ type: 'Multiply', multiply: 2 }))).toThrow(/input is required to be a number for math transformer, got string/);
  });
});

describe('convert transforms', () => {
  test('patch-and-transform docs "Convert transforms": numbers and booleans to string', () => {
    expect(transformed(42, convertTo('string'))).toBe('42');
    expect(transformed(1.5, convertTo('string'))).toBe('1.5');
    expect(transformed(true, convertTo('string'))).toBe('true');
  });

  test('patch-and-transform docs "Converting strings to booleans": 1 t T TRUE True true are true', () => {
    for (const text of ['1', 't', 'T', 'TRUE', 'True', 'true']) expect(transformed(text, convertTo('bool'))).toBe(true);
    for (const text of ['0', 'f', 'F', 'FALSE', 'False', 'false']) expect(transformed(text, convertTo('bool'))).toBe(false);
    expect(() => transformed('yes', convertTo('bool'))).toThrow(/invalid syntax/);
  });

  test('patch-and-transform docs "Converting numbers to booleans": only 1 is true', () => {
    expect(transformed(1, convertTo('bool'))).toBe(true);
    expect(transformed(2, convertTo('bool'))).toBe(false);
  });

  test('patch-and-transform docs "Converting booleans to numbers": true is 1, false is 0', () => {
    expect(transformed(true, convertTo('int'))).toBe(1);
    expect(transformed(false, convertTo('float64'))).toBe(0);
  });

  test('patch-and-transform docs "Convert transforms": strings to int and int64, floats truncate to int64', () => {
    expect(transformed('42', convertTo('int'))).toBe(42);
    expect(transformed('-7', convertTo('int64'))).toBe(-7);
    expect(transformed(2.9, convertTo('int64'))).toBe(2);
    expect(() => transformed('4.2', convertTo('int64'))).toThrow(/strconv.ParseInt: parsing "4.2": invalid syntax/);
  });

  test('patch-and-transform docs "Converting strings to float64": format quantity understands suffixes', () => {
    expect(transformed('2.5', convertTo('float64'))).toBe(2.5);
    expect(transformed('1Gi', convertTo('float64', 'quantity'))).toBe(2 ** 30);
    expect(transformed('500m', convertTo('float64', 'quantity'))).toBe(0.5);
    expect(transformed('2k', convertTo('float64', 'quantity'))).toBe(2000);
  });

  test('patch-and-transform docs "Converting strings to objects": format json parses an object', () => {
    expect(transformed('{"kubernetes.io/cluster/a": "true"}', convertTo('object', 'json'))).toEqual({ 'kubernetes.io/cluster/a': 'true' });
    expect(() => transformed('[1]', convertTo('object', 'json'))).toThrow(/cannot unmarshal/);
  });

  test('patch-and-transform docs "Converting strings to arrays": format json parses an array', () => {
    expect(transformed('["a", 1]', convertTo('array', 'json'))).toEqual(['a', 1]);
  });

  test('patch-and-transform docs "Convert transforms": a pair without a conversion is an error', () => {
    expect(() => transformed('1Gi', convertTo('int64', 'quantity'))).toThrow(/conversion from string to int64 is not supported with format quantity/);
    expect(() => transformed({ a: 1 }, convertTo('string'))).toThrow(/invalid input type map\[string\]interface \{\}/);
  });
});

describe('transform pipelines', () => {
  test('patch-and-transform docs "Transform a patch": transforms run in order on the previous output', () => {
    expect(transformed('EU', stringConvert('ToLower'), { type: 'map', map: { eu: 'eu-north-1' } }, string({ type: 'Format', fmt: 'region-%s' }))).toBe(
      'region-eu-north-1',
    );
  });

  test('patch-and-transform docs "Transform a patch": an unknown transform type is an error even before any input exists', () => {
    expect(() => transformed(undefined, { type: 'reverse' })).toThrow(/transforms\[0\]\.type: "reverse" is not supported/);
  });
});
