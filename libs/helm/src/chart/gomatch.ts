/**
 * Go's path/filepath.Match on `/`-separated names: `*` and `?` never cross `/`, `[...]` classes
 * with `^` negation and ranges, `\` escapes. Used by .helmignore and `--show-only`.
 */
import { HelmError } from './errors.js';

export class BadPatternError extends HelmError {
  constructor() {
    super('syntax error in pattern');
  }
}

const cache = new Map<string, RegExp>();

/** Whether `name` matches the Go glob `pattern`; throws BadPatternError for malformed patterns. */
export function goMatch(pattern: string, name: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

/** A literal character in a regex (u flag: only syntax characters may be escaped outside a class). */
function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/** A literal character inside a regex class, where `-` must be escaped too. */
function escapeClassChar(c: string): string {
  return c === '-' ? '\\-' : escapeChar(c);
}

function compile(pattern: string): RegExp {
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = chars[++i];
      if (next === undefined) throw new BadPatternError();
      out += escapeChar(next);
    } else if (c === '[') {
      const [cls, end] = compileClass(chars, i + 1);
      out += cls;
      i = end;
    } else out += escapeChar(c);
  }
  return new RegExp(`^${out}$`, 'u');
}

/** Compiles a `[...]` class starting after `[`; returns the regex and the index of `]`. */
function compileClass(chars: string[], start: number): [string, number] {
  let i = start;
  let negate = false;
  if (chars[i] === '^') {
    negate = true;
    i++;
  }
  const ranges: string[] = [];
  let first = true;
  for (;;) {
    const c = chars[i];
    if (c === undefined) throw new BadPatternError();
    if (c === ']' && !first) break;
    first = false;
    const [lo, afterLo] = classChar(chars, i);
    i = afterLo;
    if (chars[i] === '-' && chars[i + 1] !== ']') {
      const [hi, afterHi] = classChar(chars, i + 1);
      if (hi < lo) throw new BadPatternError();
      ranges.push(`${escapeClassChar(lo)}-${escapeClassChar(hi)}`);
      i = afterHi;
    } else ranges.push(escapeClassChar(lo));
  }
  // A class never matches the separator, as in Go.
  return [negate ? `(?![/])[^${ranges.join('')}]` : `(?![/])[${ranges.join('')}]`, i];
}

function classChar(chars: string[], i: number): [string, number] {
  const c = chars[i];
  if (c === undefined || c === '-' || c === ']') throw new BadPatternError();
  if (c === '\\') {
    const next = chars[i + 1];
    if (next === undefined) throw new BadPatternError();
    return [next, i + 2];
  }
  return [c, i + 1];
}
