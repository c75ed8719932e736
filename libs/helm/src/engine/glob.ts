/**
 * gobwas/glob patterns with '/' as separator, as Helm's .Files.Glob compiles them: `*` and `?`
 * stop at '/', `**` crosses it, `[a-z]`/`[!a-z]` classes, `{a,b}` alternatives, `\` escapes.
 * Compiled to RE2 (linear time), so hostile patterns cannot backtrack catastrophically.
 */
import { RE2JS } from 're2js';

export class GlobSyntaxError extends Error {
  override name = 'GlobSyntaxError';
}

const RE_META = /[\\^$.|?*+()[\]{}]/g;

function escapeRe(s: string): string {
  return s.replace(RE_META, '\\$&');
}

interface Cursor {
  src: string[];
  i: number;
}

function compileClass(c: Cursor): string {
  c.i++; // '['
  let negate = false;
  if (c.src[c.i] === '!') {
    negate = true;
    c.i++;
  }
  let body = '';
  while (c.i < c.src.length && c.src[c.i] !== ']') {
    const lo = c.src[c.i] as string;
    if (c.src[c.i + 1] === '-' && c.src[c.i + 2] !== undefined && c.src[c.i + 2] !== ']') {
      body += `${escapeRe(lo)}-${escapeRe(c.src[c.i + 2] as string)}`;
      c.i += 3;
    } else {
      body += escapeRe(lo);
      c.i++;
    }
  }
  if (c.src[c.i] !== ']') throw new GlobSyntaxError('unexpected end of input');
  c.i++;
  if (body === '') throw new GlobSyntaxError('empty character class');
  // gobwas's negated classes still never match the separator.
  return negate ? `[^${body}/]` : `[${body}]`;
}

function compileSeq(c: Cursor, inAlternative: boolean): string {
  let out = '';
  while (c.i < c.src.length) {
    const ch = c.src[c.i] as string;
    if (inAlternative && (ch === ',' || ch === '}')) break;
    if (ch === '*') {
      if (c.src[c.i + 1] === '*') {
        out += '.*';
        c.i += 2;
      } else {
        out += '[^/]*';
        c.i++;
      }
    } else if (ch === '?') {
      out += '[^/]';
      c.i++;
    } else if (ch === '[') out += compileClass(c);
    else if (ch === '{') out += compileAlternatives(c);
    else if (ch === '\\') {
      const next = c.src[c.i + 1];
      if (next === undefined) throw new GlobSyntaxError('unexpected end of input');
      out += escapeRe(next);
      c.i += 2;
    } else {
      out += escapeRe(ch);
      c.i++;
    }
  }
  return out;
}

function compileAlternatives(c: Cursor): string {
  c.i++; // '{'
  const alts: string[] = [];
  for (;;) {
    alts.push(compileSeq(c, true));
    const ch = c.src[c.i];
    if (ch === '}') break;
    if (ch !== ',') throw new GlobSyntaxError('unexpected end of input');
    c.i++;
  }
  c.i++;
  return `(?:${alts.join('|')})`;
}

/** A matcher for `pattern`; throws GlobSyntaxError for malformed patterns. */
export function compileGlob(pattern: string): (name: string) => boolean {
  const re = RE2JS.compile(`^(?s:${compileSeq({ src: [...pattern], i: 0 }, false)})$`);
  return (name) => re.matches(name);
}
