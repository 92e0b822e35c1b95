/**
 * Transforms (patch-and-transform docs "Transform a patch"): each is compiled once from the function
 * input, so a malformed transform is an error even when its patch has nothing to transform.
 */
import { cloneJson } from '../json';
import { goTypeName } from '../go-fmt';
import { goRegExp } from '../go-regexp';
import { InputError, optionalArray, requireInteger, requireObject, requireOneOf, requireString, requireText, within } from '../input';
import { compileConvert } from './convert';
import { compileString } from './string';
import type { Transform } from './types';

export type { Transform } from './types';

const TRANSFORM_TYPES = ['map', 'match', 'math', 'string', 'convert'] as const;
const MATH_TYPES = ['Multiply', 'ClampMin', 'ClampMax'] as const;
const MATH_OPERAND = { Multiply: 'multiply', ClampMin: 'clampMin', ClampMax: 'clampMax' } as const;

/** Map: the input (a string) is a key of the map; a missing key is an error (docs "Map transforms"). */
function compileMap(config: unknown): Transform {
  const pairs = requireObject(config, 'map');
  if (Object.keys(pairs).length === 0) throw new InputError('map', 'at least one pair must be specified');
  return (input) => {
    if (typeof input !== 'string') throw new Error(`type ${goTypeName(input)} is not supported for map transform`);
    if (!Object.hasOwn(pairs, input)) throw new Error(`key ${JSON.stringify(input)} is not found in map`);
    return cloneJson(pairs[input]);
  };
}

type Matcher = (input: unknown) => boolean;

/** Match patterns compare strings only; any other input is an error, not a miss. */
function stringInput(input: unknown): string {
  if (typeof input !== 'string') throw new Error(`unsupported input type '${input === null || input === undefined ? 'null' : goTypeName(input)}'`);
  return input;
}

function compilePattern(config: unknown, path: string): { matches: Matcher; result: unknown } {
  const pattern = requireObject(config, path);
  const type = requireOneOf(pattern.type, ['literal', 'regexp'] as const, `${path}.type`);
  let matches: Matcher;
  if (type === 'literal') {
    const literal = requireText(pattern.literal, `${path}.literal`);
    matches = (input) => stringInput(input) === literal;
  } else {
    const source = requireString(pattern.regexp, `${path}.regexp`);
    const regexp = within(`${path}.regexp`, () => goRegExp(source));
    matches = (input) => regexp.test(stringInput(input));
  }
  return { matches, result: pattern.result ?? null };
}

/** Match: the first pattern that matches gives the result, else the fallback (docs "Match transform"). */
function compileMatch(config: unknown): Transform {
  const match = requireObject(config, 'match');
  const patterns = optionalArray(match.patterns, 'match.patterns').map((p, i) => compilePattern(p, `match.patterns[${i}]`));
  if (patterns.length === 0) throw new InputError('match.patterns', 'at least one pattern must be specified');
  const fallbackTo = match.fallbackTo === undefined ? 'Value' : requireOneOf(match.fallbackTo, ['Value', 'Input'] as const, 'match.fallbackTo');
  if (fallbackTo === 'Input' && match.fallbackValue !== undefined) {
    throw new InputError('match', 'cannot set both a fallbackValue and fallbackTo: Input');
  }
  return (input) => {
    const hit = patterns.findIndex((pattern, i) => {
      try {
        return pattern.matches(input);
      } catch (err) {
        throw new Error(`cannot match pattern at index ${i}: ${(err as Error).message}`);
      }
    });
    if (hit >= 0) return cloneJson(patterns[hit].result);
    return fallbackTo === 'Input' ? input : cloneJson(match.fallbackValue ?? null);
  };
}

/** Math: Multiply, ClampMin, ClampMax on a number (docs "Math transforms"); clamps compare the integer part. */
function compileMath(config: unknown): Transform {
  const math = requireObject(config, 'math');
  const type = requireOneOf(math.type, MATH_TYPES, 'math.type');
  const operand = requireInteger(math[MATH_OPERAND[type]], `math.${MATH_OPERAND[type]}`);
  return (input) => {
    if (typeof input !== 'number') throw new Error(`input is required to be a number for math transformer, got ${goTypeName(input)}`);
    if (type === 'Multiply') return input * operand;
    const whole = Math.trunc(input);
    if (type === 'ClampMin') return whole < operand ? operand : input;
    return whole > operand ? operand : input;
  };
}

const COMPILERS: Record<(typeof TRANSFORM_TYPES)[number], (config: unknown) => Transform> = {
  map: compileMap,
  match: compileMatch,
  math: compileMath,
  string: compileString,
  convert: compileConvert,
};

export interface CompiledTransform {
  type: string;
  apply: Transform;
}

export function compileTransform(config: unknown): CompiledTransform {
  const transform = requireObject(config, '');
  const type = requireOneOf(transform.type, TRANSFORM_TYPES, 'type');
  return { type, apply: COMPILERS[type](transform[type]) };
}
