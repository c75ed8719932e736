// Flux's post-build variable syntax (kustomize.md §4; fluxcd/pkg/envsubst): bash-like `${…}`
// expressions with mandatory braces, `$$` as an escape for `$`, bare `$var` left alone.

export class SubstitutionError extends Error {
  readonly code = 'SUBSTITUTION_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

export type Lookup = (name: string) => string | undefined;

export interface SubstituteOptions {
  /** Fail on `${var}` without a value or default instead of producing ''. */
  strict?: boolean;
}

const NAME = /^[_A-Za-z][_A-Za-z0-9]*/;

/** Index of the `}` closing the `${` that starts at `open` (nested `${…}` allowed). */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Shell glob (`*`, `?`, `[…]`) as a regular expression source. */
function globSource(pattern: string, greedy: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += greedy ? '.*' : '.*?';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return out;
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const match = new RegExp(`^(?:${globSource(pattern, longest)})`, 's').exec(value);
  if (!match) return value;
  if (longest) return value.slice(match[0].length);
  // Shortest prefix: try growing lengths.
  for (let n = 0; n <= value.length; n++)
    if (new RegExp(`^(?:${globSource(pattern, true)})$`, 's').test(value.slice(0, n))) return value.slice(n);
  return value;
}

function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const re = new RegExp(`^(?:${globSource(pattern, true)})$`, 's');
  const starts = longest
    ? [...Array(value.length + 1).keys()]
    : [...Array(value.length + 1).keys()].reverse();
  for (const start of starts) if (re.test(value.slice(start))) return value.slice(0, start);
  return value;
}

function replacePattern(value: string, op: string, spec: string): string {
  const slash = spec.indexOf('/');
  const pattern = slash < 0 ? spec : spec.slice(0, slash);
  const replacement = slash < 0 ? '' : spec.slice(slash + 1);
  if (pattern === '') return value;
  const source = globSource(pattern, true);
  if (op === '/#') return value.replace(new RegExp(`^(?:${source})`, 's'), () => replacement);
  if (op === '/%') return value.replace(new RegExp(`(?:${source})$`, 's'), () => replacement);
  return value.replace(new RegExp(source, op === '//' ? 'gs' : 's'), () => replacement);
}

function substring(value: string, spec: string, expression: string): string {
  const match = /^\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?$/.exec(spec);
  if (!match) throw new SubstitutionError(`bad substitution: \${${expression}}`);
  let offset = Number(match[1]);
  if (offset < 0) offset = Math.max(0, value.length + offset);
  if (match[2] === undefined) return value.slice(offset);
  const length = Number(match[2]);
  return length < 0 ? value.slice(offset, value.length + length) : value.slice(offset, offset + length);
}

interface Context {
  lookup: Lookup;
  options: SubstituteOptions;
}

function caseOp(value: string, op: string): string {
  switch (op) {
    case '^':
      return value.slice(0, 1).toUpperCase() + value.slice(1);
    case '^^':
      return value.toUpperCase();
    case ',':
      return value.slice(0, 1).toLowerCase() + value.slice(1);
    default:
      return value.toLowerCase();
  }
}

/** `rest` after the name: which operator, and its argument. */
function operatorOf(rest: string): { op: string; arg: string } {
  const ops = [
    ':=',
    ':-',
    ':+',
    ':?',
    '##',
    '%%',
    '//',
    '/#',
    '/%',
    '^^',
    ',,',
    '=',
    '-',
    '+',
    '#',
    '%',
    '/',
    '^',
    ',',
    ':',
  ];
  for (const op of ops) if (rest.startsWith(op)) return { op, arg: rest.slice(op.length) };
  return { op: rest, arg: '' };
}

type Operation = (value: string | undefined, arg: string, ctx: Context, expression: string) => string;

const withDefault: Operation = (value, arg, ctx) =>
  value === undefined || value === '' ? substituteText(arg, ctx) : value;

const changeCase =
  (op: string): Operation =>
  (value, arg, _ctx, expression) => {
    if (arg !== '') throw new SubstitutionError(`bad substitution: \${${expression}}`);
    return caseOp(value ?? '', op);
  };

const OPERATIONS: Record<string, Operation> = {
  ':=': withDefault,
  ':-': withDefault,
  '=': withDefault,
  '-': withDefault,
  '^': changeCase('^'),
  '^^': changeCase('^^'),
  ',': changeCase(','),
  ',,': changeCase(',,'),
  ':': (value, arg, _ctx, expression) => substring(value ?? '', arg, expression),
  '#': (value, arg, ctx) => trimPrefix(value ?? '', substituteText(arg, ctx), false),
  '##': (value, arg, ctx) => trimPrefix(value ?? '', substituteText(arg, ctx), true),
  '%': (value, arg, ctx) => trimSuffix(value ?? '', substituteText(arg, ctx), false),
  '%%': (value, arg, ctx) => trimSuffix(value ?? '', substituteText(arg, ctx), true),
  '/': (value, arg, ctx) => replacePattern(value ?? '', '/', substituteText(arg, ctx)),
  '//': (value, arg, ctx) => replacePattern(value ?? '', '//', substituteText(arg, ctx)),
  '/#': (value, arg, ctx) => replacePattern(value ?? '', '/#', substituteText(arg, ctx)),
  '/%': (value, arg, ctx) => replacePattern(value ?? '', '/%', substituteText(arg, ctx)),
};

function evaluate(expression: string, ctx: Context): string {
  const lengthOf = /^#([_A-Za-z][_A-Za-z0-9]*)$/.exec(expression);
  if (lengthOf) return String((ctx.lookup(lengthOf[1] as string) ?? '').length);
  const name = NAME.exec(expression)?.[0];
  if (!name) throw new SubstitutionError(`bad substitution: \${${expression}}`);
  const value = ctx.lookup(name);
  const { op, arg } = operatorOf(expression.slice(name.length));
  if (op === '') {
    if (value === undefined && ctx.options.strict)
      throw new SubstitutionError(`variable not set (strict mode): "${name}"`);
    return value ?? '';
  }
  const operation = OPERATIONS[op];
  if (!operation) throw new SubstitutionError(`unsupported substitution: \${${expression}}`);
  return operation(value, arg, ctx, expression);
}

function substituteText(text: string, ctx: Context): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (text[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (text[i + 1] !== '{') {
      out += c;
      continue;
    }
    const close = closingBrace(text, i);
    if (close < 0) throw new SubstitutionError(`missing closing brace in "${text.slice(i, i + 40)}"`);
    out += evaluate(text.slice(i + 2, close), ctx);
    i = close;
  }
  return out;
}

/** Replaces every `${…}` expression of `text`. */
export function envsubst(text: string, lookup: Lookup, options: SubstituteOptions = {}): string {
  return substituteText(text, { lookup, options });
}

export const VARIABLE_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;
