/** Go's text/template lexer: a state machine producing items lazily, one per nextItem() call. */
import { quoteGo } from './quote.js';

export enum ItemType {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword, // only a delimiter; keywords follow
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  type: ItemType;
  pos: number; // offset in the input (UTF-16 index)
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': ItemType.Dot,
  block: ItemType.Block,
  break: ItemType.Break,
  continue: ItemType.Continue,
  define: ItemType.Define,
  else: ItemType.Else,
  end: ItemType.End,
  if: ItemType.If,
  range: ItemType.Range,
  nil: ItemType.Nil,
  template: ItemType.Template,
  with: ItemType.With,
};

/** Go's item.String(), used in parse error messages. */
export function itemString(i: Item): string {
  if (i.type === ItemType.EOF) return 'EOF';
  if (i.type === ItemType.Error) return i.val;
  if (i.type > ItemType.Keyword) return `<${i.val}>`;
  const chars = [...i.val];
  if (chars.length > 10) return `${goQuoteShort(chars.slice(0, 10).join(''))}...`;
  return goQuoteShort(i.val);
}

function goQuoteShort(s: string): string {
  return quoteGo(s);
}

const EOF = '';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

export function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

export function isAlphaNumeric(ch: string): boolean {
  if (ch.length === 1 && ch < '\x80')
    return ch === '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  return /^[\p{L}\p{Nd}]$/u.test(ch);
}

function hasLeftTrimMarker(s: string): boolean {
  return s.length >= 2 && s[0] === '-' && isSpace(s[1] as string);
}

function hasRightTrimMarker(s: string): boolean {
  return s.length >= 2 && isSpace(s[0] as string) && s[1] === '-';
}

function rightTrimLength(s: string): number {
  return s.length - s.replace(/[ \t\r\n]+$/, '').length;
}

function leftTrimLength(s: string): number {
  return s.length - s.replace(/^[ \t\r\n]+/, '').length;
}

type StateFn = (l: Lexer) => StateFn | null;

export interface LexOptions {
  emitComment: boolean;
  breakOK: boolean;
  continueOK: boolean;
}

export class Lexer {
  pos = 0;
  start = 0;
  insideAction = false;
  parenDepth = 0;
  item: Item | null = null;
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly input: string,
    readonly leftDelim: string,
    readonly rightDelim: string,
    readonly options: LexOptions,
  ) {
    for (let i = 0; i < input.length; i++) if (input[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** 1-based line of an offset. */
  lineAt(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  nextItem(): Item {
    this.item = { type: ItemType.EOF, pos: this.pos, val: 'EOF', line: this.lineAt(this.pos) };
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.item;
  }

  next(): string {
    if (this.pos >= this.input.length) return EOF;
    const ch = String.fromCodePoint(this.input.codePointAt(this.pos) as number);
    this.pos += ch.length;
    return ch;
  }

  peek(): string {
    if (this.pos >= this.input.length) return EOF;
    return String.fromCodePoint(this.input.codePointAt(this.pos) as number);
  }

  backup(ch: string): void {
    this.pos -= ch.length;
  }

  rest(from = this.pos): string {
    return this.input.slice(from);
  }

  thisItem(type: ItemType): Item {
    const item = {
      type,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.lineAt(this.start),
    };
    this.start = this.pos;
    return item;
  }

  emit(type: ItemType): null {
    return this.emitItem(this.thisItem(type));
  }

  emitItem(item: Item): null {
    this.item = item;
    return null;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    const ch = this.next();
    if (ch !== EOF && valid.includes(ch)) return true;
    this.backup(ch);
    return false;
  }

  acceptRun(valid: string): void {
    let ch = this.next();
    while (ch !== EOF && valid.includes(ch)) ch = this.next();
    this.backup(ch);
  }

  errorf(message: string): null {
    this.item = { type: ItemType.Error, pos: this.start, val: message, line: this.lineAt(this.start) };
    this.start = this.input.length;
    this.pos = this.input.length;
    return null;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (hasRightTrimMarker(this.rest()) && this.input.startsWith(this.rightDelim, this.pos + 2)) {
      return { delim: true, trimSpaces: true };
    }
    return { delim: this.input.startsWith(this.rightDelim, this.pos), trimSpaces: false };
  }

  atTerminator(): boolean {
    const ch = this.peek();
    if (isSpace(ch)) return true;
    if (ch === EOF || '.,|:)('.includes(ch)) return true;
    return this.input.startsWith(this.rightDelim, this.pos);
  }
}

function lexText(l: Lexer): StateFn | null {
  const x = l.rest().indexOf(l.leftDelim);
  if (x < 0) {
    l.pos = l.input.length;
    if (l.pos > l.start) return l.emit(ItemType.Text);
    return l.emit(ItemType.EOF);
  }
  if (x > 0) {
    l.pos += x;
    const delimEnd = l.pos + l.leftDelim.length;
    const trim = hasLeftTrimMarker(l.rest(delimEnd)) ? rightTrimLength(l.input.slice(l.start, l.pos)) : 0;
    l.pos -= trim;
    const item = l.thisItem(ItemType.Text);
    l.pos += trim;
    l.ignore();
    if (item.val.length > 0) return l.emitItem(item);
  }
  return lexLeftDelim;
}

function lexLeftDelim(l: Lexer): StateFn | null {
  l.pos += l.leftDelim.length;
  const afterMarker = hasLeftTrimMarker(l.rest()) ? 2 : 0;
  if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const item = l.thisItem(ItemType.LeftDelim);
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(item);
}

function lexComment(l: Lexer): StateFn | null {
  l.pos += LEFT_COMMENT.length;
  const x = l.rest().indexOf(RIGHT_COMMENT);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos += x + RIGHT_COMMENT.length;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  const item = l.thisItem(ItemType.Comment);
  if (trimSpaces) l.pos += 2;
  l.pos += l.rightDelim.length;
  if (trimSpaces) l.pos += leftTrimLength(l.rest());
  l.ignore();
  if (l.options.emitComment) return l.emitItem(item);
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn | null {
  const { trimSpaces } = l.atRightDelim();
  if (trimSpaces) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += l.rightDelim.length;
  const item = l.thisItem(ItemType.RightDelim);
  if (trimSpaces) {
    l.pos += leftTrimLength(l.rest());
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(item);
}

const SINGLE_CHAR_ITEMS: Record<string, ItemType> = { '=': ItemType.Assign, '|': ItemType.Pipe };
const QUOTE_STATES: Record<string, StateFn> = {
  '"': lexQuote,
  '`': lexRawQuote,
  $: lexVariable,
  "'": lexChar,
};

function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atRightDelim().delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const ch = l.next();
  if (ch === EOF) return l.errorf('unclosed action');
  if (isSpace(ch)) {
    l.backup(ch);
    return lexSpace;
  }
  const single = SINGLE_CHAR_ITEMS[ch];
  if (single !== undefined) return l.emit(single);
  const quoted = QUOTE_STATES[ch];
  if (quoted) return quoted;
  if (ch === ':') {
    if (l.next() !== '=') return l.errorf('expected :=');
    return l.emit(ItemType.Declare);
  }
  return lexActionRest(l, ch);
}

/** A '.' starts a field unless a digit follows (then it starts a number, like '+', '-' and digits). */
function lexFieldOrNumberStart(l: Lexer, ch: string): StateFn | null {
  if (ch === '.') {
    const nextCh = l.input[l.pos];
    if (nextCh === undefined || nextCh < '0' || nextCh > '9') return lexField;
  }
  if (ch === '.' || ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
    l.backup(ch);
    return lexNumber;
  }
  return null;
}

function lexActionRest(l: Lexer, ch: string): StateFn | null {
  const numberOrField = lexFieldOrNumberStart(l, ch);
  if (numberOrField) return numberOrField;
  if (isAlphaNumeric(ch)) {
    l.backup(ch);
    return lexIdentifier;
  }
  if (ch === '(') {
    l.parenDepth++;
    return l.emit(ItemType.LeftParen);
  }
  if (ch === ')') {
    l.parenDepth--;
    if (l.parenDepth < 0) return l.errorf('unexpected right paren');
    return l.emit(ItemType.RightParen);
  }
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x7f && cp >= 0x20) return l.emit(ItemType.Char);
  return l.errorf(`unrecognized character in action: ${formatRune(ch)}`);
}

/** Go's %#U form of a rune: U+0041 'A'. */
export function formatRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `${hex} '${ch}'` : hex;
}

function lexSpace(l: Lexer): StateFn | null {
  let numSpaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    numSpaces++;
  }
  // A trim-marked right delimiter starts with a space: leave that space to lexRightDelim.
  if (hasRightTrimMarker(l.rest(l.pos - 1)) && l.input.startsWith(l.rightDelim, l.pos + 1)) {
    l.pos -= 1;
    if (numSpaces === 1) return lexRightDelim;
  }
  return l.emit(ItemType.Space);
}

function lexIdentifier(l: Lexer): StateFn | null {
  let ch = l.next();
  while (isAlphaNumeric(ch)) ch = l.next();
  l.backup(ch);
  const word = l.input.slice(l.start, l.pos);
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRune(ch)}`);
  const key = KEYWORDS[word];
  if (key !== undefined && key > ItemType.Keyword) {
    if (
      (key === ItemType.Break && !l.options.breakOK) ||
      (key === ItemType.Continue && !l.options.continueOK)
    ) {
      return l.emit(ItemType.Identifier);
    }
    return l.emit(key);
  }
  if (word[0] === '.') return l.emit(ItemType.Field);
  if (word === 'true' || word === 'false') return l.emit(ItemType.Bool);
  return l.emit(ItemType.Identifier);
}

function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, ItemType.Field);
}

function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) return l.emit(ItemType.Variable);
  return lexFieldOrVariable(l, ItemType.Variable);
}

function lexFieldOrVariable(l: Lexer, type: ItemType): StateFn | null {
  if (l.atTerminator()) return l.emit(type === ItemType.Variable ? ItemType.Variable : ItemType.Dot);
  let ch = l.next();
  while (isAlphaNumeric(ch)) ch = l.next();
  l.backup(ch);
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRune(ch)}`);
  return l.emit(type);
}

function lexQuoted(l: Lexer, quote: string, what: string): boolean {
  for (;;) {
    let ch = l.next();
    if (ch === '\\') {
      ch = l.next();
      if (ch !== EOF && ch !== '\n') continue;
    }
    if (ch === EOF || ch === '\n') {
      l.errorf(`unterminated ${what}`);
      return false;
    }
    if (ch === quote) return true;
  }
}

function lexChar(l: Lexer): StateFn | null {
  return lexQuoted(l, "'", 'character constant') ? l.emit(ItemType.CharConstant) : null;
}

function lexQuote(l: Lexer): StateFn | null {
  return lexQuoted(l, '"', 'quoted string') ? l.emit(ItemType.String) : null;
}

function lexRawQuote(l: Lexer): StateFn | null {
  const end = l.rest().indexOf('`');
  if (end < 0) return l.errorf('unterminated raw quoted string');
  l.pos += end + 1;
  return l.emit(ItemType.RawString);
}

function lexNumber(l: Lexer): StateFn | null {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${quoteGo(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === '+' || sign === '-') {
    if (!scanNumber(l) || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quoteGo(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit(ItemType.Complex);
  }
  return l.emit(ItemType.Number);
}

const DECIMAL = '0123456789_';
const HEX = '0123456789abcdefABCDEF_';

function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = DECIMAL;
  if (l.accept('0')) {
    if (l.accept('xX')) digits = HEX;
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits === DECIMAL && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun(DECIMAL);
  }
  if (digits === HEX && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun(DECIMAL);
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}
