/** Go's strconv quoting and unquoting (Quote, QuoteToASCII, QuoteRune, Unquote, UnquoteChar). */

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
};

/** Go's unicode.IsPrint approximation: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote) return `\\${ch}`;
  const simple = SIMPLE_ESCAPES[ch];
  if (simple) return simple;
  const cp = ch.codePointAt(0) as number;
  if (cp >= 0x20 && cp < 0x7f) return ch; // printable ASCII (quote and backslash handled above)
  if (cp === 0xfffd) return ch; // Go prints the replacement character as is
  if (cp < 0x80 ? isPrint(ch) : !asciiOnly && isPrint(ch)) return ch;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote (or QuoteToASCII when asciiOnly). */
export function quoteGo(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return `${out}"`;
}

/** strconv.QuoteRune. */
export function quoteRuneGo(cp: number): string {
  const ch = cp >= 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  return `'${escapeRune(ch, "'", false)}'`;
}

export class UnquoteError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const UNESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes one (possibly escaped) character at `i`; returns it and the next index. */
export function unquoteChar(s: string, i: number, quote: string): [string, number] {
  const ch = String.fromCodePoint(s.codePointAt(i) ?? 0);
  if (i >= s.length || ch === quote) throw new UnquoteError();
  if (ch !== '\\') return [ch, i + ch.length];
  const c = s[i + 1];
  if (c === undefined) throw new UnquoteError();
  if (UNESCAPES[c] !== undefined) return [UNESCAPES[c] as string, i + 2];
  if (c === quote) return [c, i + 2];
  const hexLen = ({ x: 2, u: 4, U: 8 } as Record<string, number>)[c];
  if (hexLen !== undefined) return [decodeHex(s.slice(i + 2, i + 2 + hexLen), hexLen, c), i + 2 + hexLen];
  if (c >= '0' && c <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new UnquoteError();
    return [String.fromCharCode(parseInt(oct, 8)), i + 4];
  }
  throw new UnquoteError();
}

function decodeHex(hex: string, len: number, kind: string): string {
  if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new UnquoteError();
  const cp = parseInt(hex, 16);
  if (kind === 'x') return String.fromCharCode(cp); // a byte; exact only for ASCII
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new UnquoteError();
  return String.fromCodePoint(cp);
}

/** strconv.Unquote for "double", `raw` and 'c' quoted literals. */
export function unquoteGo(s: string): string {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) throw new UnquoteError();
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new UnquoteError();
    return body.replaceAll('\r', '');
  }
  if (q !== '"' && q !== "'") throw new UnquoteError();
  let out = '';
  let i = 0;
  while (i < body.length) {
    if (body[i] === '\n') throw new UnquoteError();
    const [ch, next] = unquoteChar(body, i, q);
    out += ch;
    i = next;
  }
  if (q === "'" && [...out].length !== 1) throw new UnquoteError();
  return out;
}
