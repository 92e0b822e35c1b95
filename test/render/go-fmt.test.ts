/**
 * The Go formatting that string `Format` and `combine.string.fmt` use: the patch-and-transform docs
 * ("String format", "CombineFromComposite") defer to Go's fmt package (pkg.go.dev/fmt), cited per test.
 */
import { goSprintf, goString } from '../../scripts/render/go-fmt';

describe('Go fmt as used by string Format and Combine', () => {
  test('patch-and-transform docs "String format" (Go fmt "Printing"): %s %d %v %t %q %x', () => {
    expect(goSprintf('%s-%d-%v-%t', ['a', 42, 1.5, true])).toBe('a-42-1.5-true');
    expect(goSprintf('%q', ['a"b'])).toBe('"a\\"b"');
    expect(goSprintf('%x %X', [255, 'hi'])).toBe('ff 6869');
    expect(goSprintf('100%%', [])).toBe('100%');
  });

  test('patch-and-transform docs "String format" (Go fmt "Printing"): width, precision and flags', () => {
    expect(goSprintf('[%5s][%-5s][%05d][%+d]', ['ab', 'ab', 42, 3])).toBe('[   ab][ab   ][00042][+3]');
    expect(goSprintf('%.2f %.3s %e', [3.14159, 'abcdef', 1234.5])).toBe('3.14 abc 1.234500e+03');
  });

  test('patch-and-transform docs "String format" (Go fmt "Printing"): %v of floats switches to an exponent from 1e+06', () => {
    expect(goString(123456.5)).toBe('123456.5');
    expect(goString(1234567.5)).toBe('1.2345675e+06');
    expect(goString(0.00001)).toBe('1e-05');
    expect(goSprintf('%g', [0.0001])).toBe('0.0001');
  });

  test('patch-and-transform docs "String format" (Go fmt "Printing"): %v of lists and objects', () => {
    expect(goString(['a', 1])).toBe('[a 1]');
    expect(goString({ b: 2, a: 'x' })).toBe('map[a:x b:2]');
    expect(goString(null)).toBe('<nil>');
  });

  test('patch-and-transform docs "String format" (Go fmt "Format errors"): wrong verb, missing and extra arguments', () => {
    expect(goSprintf('%d', ['text'])).toBe('%!d(string=text)');
    expect(goSprintf('%s', [null])).toBe('%!s(<nil>)');
    expect(goSprintf('%s-%s', ['a'])).toBe('a-%!s(MISSING)');
    expect(goSprintf('%s', ['a', 2])).toBe('a%!(EXTRA int64=2)');
  });

  test('patch-and-transform docs "String format": Go syntax the renderer cannot reproduce is refused, not guessed', () => {
    expect(() => goSprintf('%[1]s', ['a'])).toThrow(/argument indexes are not supported/);
    expect(() => goSprintf('%c', [65])).toThrow(/%c for a int64 is not supported/);
  });
});
