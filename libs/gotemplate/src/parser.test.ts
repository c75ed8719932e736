import { describe, expect, it } from 'vitest';
import { ParseError } from './errors.js';
import { isEmptyTree } from './nodes.js';
import { DEFAULT_MODE, Tree, type ParseMode } from './parser.js';

const FUNCS = new Set(['printf', 'len']);

function parse(
  text: string,
  mode: Partial<ParseMode> = {},
  name = 't',
): { tree: Tree; set: Map<string, Tree> } {
  const set = new Map<string, Tree>();
  const tree = Tree.parse(name, text, {
    treeSet: set,
    hasFunction: (n) => FUNCS.has(n),
    mode: { ...DEFAULT_MODE, ...mode },
  });
  return { tree, set };
}

function quoted(text: string, mode: Partial<ParseMode> = {}): string {
  return parse(text, mode).tree.root.write({ quoteText: true });
}

describe('parser String() forms', () => {
  it.each([
    ['a{{.X.Y}}b', '"a"{{.X.Y}}"b"'],
    ['{{$x := .A | printf "%d"}}{{$x}}', '{{$x := .A | printf "%d"}}{{$x}}'],
    ['{{range $i, $v := .L}}{{$i}}{{else}}none{{end}}', '{{range $i, $v := .L}}{{$i}}{{else}}"none"{{end}}'],
    ['{{if .A}}1{{else if .B}}2{{end}}', '{{if .A}}"1"{{else}}{{if .B}}"2"{{end}}{{end}}'],
    ['{{with .A}}1{{else with .B}}2{{end}}', '{{with .A}}"1"{{else}}{{with .B}}"2"{{end}}{{end}}'],
    ['{{(printf "x").Len}}', '{{(printf "x").Len}}'],
    ["{{printf `raw` 'c' 0x1F 1e3 true nil}}", "{{printf `raw` 'c' 0x1F 1e3 true nil}}"],
    ['{{template "x" .}}', '{{template "x" .}}'],
    ['{{range .}}{{break}}{{continue}}{{end}}', '{{range .}}{{break}}{{continue}}{{end}}'],
    ['  {{- 1 -}}  ', '{{1}}'],
  ])('%s', (text, want) => {
    expect(quoted(text)).toBe(want);
  });

  it('keeps comments only in ParseComments mode', () => {
    expect(quoted('a{{/* c */}}b')).toBe('"a""b"');
    expect(quoted('a{{/* c */}}b', { parseComments: true })).toBe('"a"{{/* c */}}"b"');
  });

  it('prints text raw in String()', () => {
    expect(parse('x{{.Y}}\n').tree.root.toString()).toBe('x{{.Y}}\n');
  });
});

describe('definitions', () => {
  it('adds define and block bodies to the tree set', () => {
    const { set, tree } = parse('{{define "a"}}A{{end}}x{{block "b" .}}B{{end}}');
    expect([...set.keys()].sort()).toEqual(['a', 'b', 't']);
    expect(set.get('a')?.root.toString()).toBe('A');
    expect(tree.root.toString()).toBe('x{{template "b" .}}');
  });

  it('rejects a second non-empty definition in one parse', () => {
    expect(() => parse('{{define "a"}}1{{end}}{{define "a"}}2{{end}}')).toThrow(
      'template: t:1: template: multiple definition of template "a"',
    );
  });

  it('knows which trees are empty', () => {
    expect(isEmptyTree(parse(' \n{{define "a"}}x{{end}}{{/* c */}}').tree.root)).toBe(true);
    expect(isEmptyTree(parse('x').tree.root)).toBe(false);
  });
});

describe('parse errors', () => {
  it.each([
    ['{{end}}', 'template: t:1: unexpected {{end}}'],
    ['{{if .X}}', 'template: t:1: unexpected EOF'],
    ['{{nofunc}}', 'template: t:1: function "nofunc" not defined'],
    ['{{$u}}', 'template: t:1: undefined variable "$u"'],
    ['{{with $x := 1}}{{end}}{{$x}}', 'template: t:1: undefined variable "$x"'],
    ['{{break}}', 'template: t:1: {{break}} outside {{range}}'],
    ['{{1 | 2}}', 'template: t:1: non executable command in pipeline stage 2'],
    ['{{"a".b}}', 'template: t:1: unexpected . after term "\\"a\\""'],
    ['{{printf 1,2}}', 'template: t:1: unexpected "," in operand'],
    ['x\n{{.A\n', 'template: t:3: unclosed action started at t:2'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: t:1: too many declarations in range'],
    ['{{99999999999999999999}}', 'template: t:1: integer overflow: "99999999999999999999"'],
  ])('%s', (text, message) => {
    expect(() => parse(text)).toThrow(new ParseError(message));
  });

  it('limits parenthesis nesting', () => {
    expect(() => parse('{{((1))}}', { maxParenDepth: 1 })).toThrow('max expression depth exceeded');
    expect(quoted('{{((1))}}', { maxParenDepth: 2 })).toBe('{{((1))}}');
  });

  it('skips the function check on request', () => {
    expect(quoted('{{undefined 1}}', { skipFuncCheck: true })).toBe('{{undefined 1}}');
  });
});
