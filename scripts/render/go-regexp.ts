/**
 * Go (RE2) regular expressions as JavaScript RegExps, for the string `Regexp` transform and
 * `match` patterns. Translated: a leading `(?i)`/`(?m)`/`(?s)` flag group, named groups
 * `(?P<name>...)`, `\A` and `\z`. Other RE2-only syntax (POSIX classes such as `[[:alpha:]]`,
 * `\pL`) is not translated; JavaScript-only syntax (lookaround, backreferences) is refused as RE2 does.
 */
export function goRegExp(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    flags = [...new Set(leading[1])].join('');
    source = source.slice(leading[0].length);
  }
  if (/\(\?<?[=!]|(?<!\\)\\[1-9]/.test(source)) throw new Error(`invalid regexp ${JSON.stringify(pattern)}: lookaround and backreferences are not RE2 syntax`);
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '(?<![\\s\\S])').replace(/\\z/g, '(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(`invalid regexp ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}
