/** Sprig's string functions (strings.go, goutils and xstrings behaviour). */
import { FuncError, type FuncMap, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def, strval } from './convert.js';

const isSpace = (c: string): boolean => /^\s$/u.test(c);

/** Longest string `repeat` builds. */
const MAX_REPEAT_LENGTH = 64 * 1024 * 1024;

/** Go's strings.Split: an empty separator splits into characters; n < 0 means no limit. */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = Array.from(s);
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** Sprig's split/splitn result: a map with keys `_0`, `_1`, … */
function indexedParts(parts: string[]): GoMap {
  const out: GoMap = {};
  parts.forEach((p, i) => (out[`_${i}`] = p));
  return out;
}

/** strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && cut.has(chars[start] as string)) start++;
  while (end > start && cut.has(chars[end - 1] as string)) end--;
  return chars.slice(start, end).join('');
}

/** Maps the first letter of every whitespace-separated word (goutils' Capitalize/Uncapitalize shape). */
function mapWordStarts(s: string, f: (c: string) => string): string {
  let atStart = true;
  let out = '';
  for (const c of s) {
    out += atStart && !isSpace(c) ? f(c) : c;
    atStart = isSpace(c);
  }
  return out;
}

/** Go's strings.Title: upper-cases letters that follow a non-letter, non-digit. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += /[\p{L}\p{N}_]/u.test(prev) ? c : c.toUpperCase();
    prev = c;
  }
  return out;
}

function initials(s: string): string {
  return s
    .split(/\s+/u)
    .filter((w) => w !== '')
    .map((w) => Array.from(w)[0])
    .join('');
}

function swapCase(s: string): string {
  return Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) return s.slice(0, end);
  if (end < 0 || end > s.length) return s.slice(start);
  return s.slice(start, end);
}

function trunc(c: number, s: string): string {
  if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
  if (c >= 0 && s.length > c) return s.slice(0, c);
  return s;
}

/** goutils.AbbreviateFull (callers have already rejected widths it would refuse). */
function abbreviateFull(s: string, offsetIn: number, maxWidth: number): string {
  if (s.length <= maxWidth) return s;
  let offset = Math.min(offsetIn, s.length);
  if (s.length - offset < maxWidth - 3) offset = s.length - (maxWidth - 3);
  if (offset <= 4) return `${s.slice(0, maxWidth - 3)}...`;
  if (offset + maxWidth - 3 < s.length) return `...${abbreviateFull(s.slice(offset), 0, maxWidth - 3)}`;
  return `...${s.slice(s.length - (maxWidth - 3))}`;
}

/** goutils.WrapCustom. */
export function wrapCustom(s: string, widthIn: number, newLineIn: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const newLine = newLineIn === '' ? '\n' : newLineIn;
  const width = Math.max(widthIn, 1);
  let offset = 0;
  let out = '';
  while (s.length - offset > width) {
    if (s[offset] === ' ') {
      offset++;
      continue;
    }
    const spaceAt = s.slice(offset, width + offset + 1).lastIndexOf(' ') + offset;
    if (spaceAt >= offset) {
      out += s.slice(offset, spaceAt) + newLine;
      offset = spaceAt + 1;
    } else if (wrapLongWords) {
      out += s.slice(offset, offset + width) + newLine;
      offset += width;
    } else {
      const next = s.indexOf(' ', width + offset);
      if (next === -1) {
        out += s.slice(offset);
        offset = s.length;
      } else {
        out += s.slice(offset, next) + newLine;
        offset = next + 1;
      }
    }
  }
  return out + s.slice(offset);
}

/** Words for xstrings' snake/kebab case: splits at case changes (HTTPServer → HTTP Server) and separators. */
function caseWords(s: string): string[] {
  const spaced = s.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2').replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2');
  return spaced.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

const isConnector = (c: string): boolean => c === '-' || c === '_' || isSpace(c);

/** xstrings.ToCamelCase: drops connectors and upper-cases what follows them; leading connectors stay. */
export function camelCase(s: string): string {
  const chars = Array.from(s);
  let i = 0;
  let out = '';
  while (i < chars.length && isConnector(chars[i] as string)) out += chars[i++];
  if (i === chars.length) return out;
  let prev = (chars[i++] as string).toUpperCase();
  for (; i < chars.length; i++) {
    let cur = chars[i] as string;
    if (isConnector(cur) && isConnector(prev)) {
      out += prev;
      prev = cur;
      continue;
    }
    if (isConnector(prev)) cur = cur.toUpperCase();
    else out += prev;
    prev = cur;
  }
  return out + prev;
}

function quoteAll(quote: (s: string) => string) {
  return (...args: GoValue[]): string =>
    args
      .filter((a) => a !== null)
      .map((a) => quote(strval(a)))
      .join(' ');
}

/** Go's %q for a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0) as number;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

const num = (v: GoValue): number => Number(v as bigint);
const str = (v: GoValue): string => v as string;

export function stringFunctions(): FuncMap {
  return {
    trim: def('trim', ['string'], (s) => str(s).trim()),
    trimAll: def('trimAll', ['string', 'string'], (cut, s) => trimCutset(str(s), str(cut))),
    // Sprig keeps the old lower-case spelling as an alias.
    trimall: def('trimall', ['string', 'string'], (cut, s) => trimCutset(str(s), str(cut))),
    trimSuffix: def('trimSuffix', ['string', 'string'], (suf, s) =>
      str(s).endsWith(str(suf)) ? str(s).slice(0, str(s).length - str(suf).length) : str(s),
    ),
    trimPrefix: def('trimPrefix', ['string', 'string'], (pre, s) =>
      str(s).startsWith(str(pre)) ? str(s).slice(str(pre).length) : str(s),
    ),
    upper: def('upper', ['string'], (s) => str(s).toUpperCase()),
    lower: def('lower', ['string'], (s) => str(s).toLowerCase()),
    title: def('title', ['string'], (s) => title(str(s))),
    untitle: def('untitle', ['string'], (s) => mapWordStarts(str(s), (c) => c.toLowerCase())),
    repeat: def('repeat', ['int', 'string'], (n, s) => {
      if (num(n) < 0) throw new FuncError('strings: negative Repeat count');
      // Bounded so a hostile count fails fast instead of exhausting memory (Go: "Repeat output length overflow").
      if (num(n) * str(s).length > MAX_REPEAT_LENGTH)
        throw new FuncError(`strings: Repeat output length exceeds the limit of ${MAX_REPEAT_LENGTH}`);
      return str(s).repeat(num(n));
    }),
    substr: def('substr', ['int', 'int', 'string'], (a, b, s) => substring(num(a), num(b), str(s))),
    nospace: def('nospace', ['string'], (s) => str(s).replace(/\s/gu, '')),
    trunc: def('trunc', ['int', 'string'], (c, s) => trunc(num(c), str(s))),
    abbrev: def('abbrev', ['int', 'string'], (w, s) =>
      num(w) < 4 ? str(s) : abbreviateFull(str(s), 0, num(w)),
    ),
    abbrevboth: def('abbrevboth', ['int', 'int', 'string'], (l, r, s) =>
      num(r) < 4 || (num(l) > 0 && num(r) < 7) ? str(s) : abbreviateFull(str(s), num(l), num(r)),
    ),
    initials: def('initials', ['string'], (s) => initials(str(s))),
    wrap: def('wrap', ['int', 'string'], (w, s) => wrapCustom(str(s), num(w), '', false)),
    wrapWith: def('wrapWith', ['int', 'string', 'string'], (w, sep, s) =>
      wrapCustom(str(s), num(w), str(sep), true),
    ),
    contains: def('contains', ['string', 'string'], (sub, s) => str(s).includes(str(sub))),
    hasPrefix: def('hasPrefix', ['string', 'string'], (p, s) => str(s).startsWith(str(p))),
    hasSuffix: def('hasSuffix', ['string', 'string'], (p, s) => str(s).endsWith(str(p))),
    quote: def('quote', [], quoteAll(goQuote), 'any'),
    squote: def(
      'squote',
      [],
      quoteAll((s) => `'${s}'`),
      'any',
    ),
    cat: def(
      'cat',
      [],
      (...args) =>
        args
          .filter((a) => a !== null)
          .map(strval)
          .join(' '),
      'any',
    ),
    indent: def('indent', ['int', 'string'], (n, s) => indent(num(n), str(s))),
    nindent: def('nindent', ['int', 'string'], (n, s) => `\n${indent(num(n), str(s))}`),
    replace: def('replace', ['string', 'string', 'string'], (o, n, s) => str(s).replaceAll(str(o), str(n))),
    plural: def('plural', ['string', 'string', 'int'], (one, many, c) => (num(c) === 1 ? one : many)),
    snakecase: def('snakecase', ['string'], (s) => caseWords(str(s)).join('_').toLowerCase()),
    kebabcase: def('kebabcase', ['string'], (s) => caseWords(str(s)).join('-').toLowerCase()),
    camelcase: def('camelcase', ['string'], (s) => camelCase(str(s))),
    swapcase: def('swapcase', ['string'], (s) => swapCase(str(s))),
    split: def('split', ['string', 'string'], (sep, s) => indexedParts(goSplit(str(s), str(sep)))),
    splitList: def('splitList', ['string', 'string'], (sep, s) => goSplit(str(s), str(sep))),
    splitn: def('splitn', ['string', 'int', 'string'], (sep, n, s) =>
      indexedParts(goSplit(str(s), str(sep), num(n))),
    ),
  };
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(n, 0));
  return pad + s.replaceAll('\n', `\n${pad}`);
}
