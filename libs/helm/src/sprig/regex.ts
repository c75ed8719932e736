/** Sprig's regex.go on RE2 (re2js), with Go's regexp Split and template expansion. */
import { FuncError, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { RE2JS } from 're2js';
import { def } from './convert.js';

type Re2 = ReturnType<RE2JS['re2']>;

/** regexp.Compile; the message is Go's `error parsing regexp: …`. */
function compile(pattern: string): Re2 {
  try {
    return RE2JS.compile(pattern).re2();
  } catch (e) {
    throw new FuncError((e as Error).message);
  }
}

function findAllIndex(re: Re2, s: string, n: number): [number, number][] {
  return (re.findAllIndex(s, n) ?? []) as [number, number][];
}

/** regexp.Split. */
export function regexSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern !== '' && s === '') return [''];
  const re = compile(pattern);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [start, stop] of findAllIndex(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = start;
    if (stop !== 0) out.push(s.slice(beg, end));
    beg = stop;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Regexp.Expand: `$1`, `${1}`, `$name`, `${name}` and `$$` in a replacement template. */
export function expandTemplate(
  template: string,
  s: string,
  groups: number[],
  names: Record<string, number>,
): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]*)\}|([A-Za-z0-9_]+))/g,
    (whole, _m, braced?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      if (braced !== undefined && name === '') return whole;
      const index = /^\d+$/.test(name) ? Number(name) : names[name];
      if (index === undefined) return '';
      const start = groups[2 * index];
      const end = groups[2 * index + 1];
      return start === undefined || end === undefined || start < 0 ? '' : s.slice(start, end);
    },
  );
}

/** ReplaceAllString (expand) or ReplaceAllLiteralString. */
export function replaceAll(re: Re2, s: string, repl: string, literal: boolean): string {
  const names = re.namedGroups ?? {};
  const matches = (re.findAllSubmatchIndex(s, -1) ?? []) as number[][];
  let out = '';
  let last = 0;
  for (const groups of matches) {
    const [start, end] = groups as [number, number];
    out += s.slice(last, start) + (literal ? repl : expandTemplate(repl, s, groups, names));
    last = end;
  }
  return out + s.slice(last);
}

function withMust(
  name: string,
  params: Parameters<typeof def>[1],
  impl: (...a: GoValue[]) => GoValue,
): FuncMap {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  // Sprig's non-must variants panic on a bad pattern; the template reports either as an error.
  return { [name]: def(name, params, impl), [must]: def(must, params, impl) };
}

export function regexFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  const int = (v: GoValue): number => Number(v as bigint);
  return {
    ...withMust('regexMatch', ['string', 'string'], (re, s) => compile(str(re)).match(str(s))),
    ...withMust(
      'regexFind',
      ['string', 'string'],
      (re, s) => (compile(str(re)).find(str(s)) as string | null) ?? '',
    ),
    ...withMust(
      'regexFindAll',
      ['string', 'string', 'int'],
      (re, s, n) => (compile(str(re)).findAll(str(s), int(n)) ?? []) as string[],
    ),
    ...withMust('regexReplaceAll', ['string', 'string', 'string'], (re, s, r) =>
      replaceAll(compile(str(re)), str(s), str(r), false),
    ),
    ...withMust('regexReplaceAllLiteral', ['string', 'string', 'string'], (re, s, r) =>
      replaceAll(compile(str(re)), str(s), str(r), true),
    ),
    ...withMust('regexSplit', ['string', 'string', 'int'], (re, s, n) => regexSplit(str(re), str(s), int(n))),
    regexQuoteMeta: def('regexQuoteMeta', ['string'], (s) => quoteMeta(str(s))),
  };
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
