import { describe, expect, it } from 'vitest';
import { ExecError, ParseError, TemplateError } from './errors.js';
import { Template } from './template.js';
import { GoFunc, GoStruct, type GoValue } from './values.js';

function run(text: string, data: GoValue = null, setup?: (t: Template) => void): string {
  const t = new Template('t');
  setup?.(t);
  return t.parse(text).execute(data);
}

const DATA: GoValue = {
  S: 'str',
  I: 17n,
  F: 1.5,
  B: true,
  L: [3n, 4n, 5n],
  Empty: [],
  M: { b: 2n, a: 1n, c: 3n },
  Nested: { Inner: { V: 'deep' } },
  Nil: null,
};

describe('actions and data', () => {
  it.each<[string, string]>([
    ['{{.S}}-{{.I}}-{{.F}}-{{.B}}', 'str-17-1.5-true'],
    ['{{.L}} {{.M}}', '[3 4 5] map[a:1 b:2 c:3]'],
    ['{{.Nested.Inner.V}}', 'deep'],
    ['{{.Missing}} {{.Nil}}', '<no value> <no value>'],
    [
      '{{$}}',
      'map[B:true Empty:[] F:1.5 I:17 L:[3 4 5] M:map[a:1 b:2 c:3] Nested:map[Inner:map[V:deep]] Nil:<nil> S:str]',
    ],
    ["{{1.0}} {{1e6}} {{0x10}} {{'a'}} {{-3}}", '1 1e+06 16 97 -3'],
    ['{{"quoted"}} {{`raw`}}', 'quoted raw'],
  ])('%s', (text, want) => {
    expect(run(text, DATA)).toBe(want);
  });
});

describe('variables and control flow', () => {
  it.each<[string, string]>([
    ['{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
    ['{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', '21'],
    ['{{if .Empty}}a{{else if .I}}b{{else}}c{{end}}', 'b'],
    ['{{with .Nested.Inner}}{{.V}}{{end}}{{with .Empty}}x{{else}}empty{{end}}', 'deepempty'],
    ['{{with $v := .S}}{{$v}}{{.}}{{end}}', 'strstr'],
    ['{{range .L}}<{{.}}>{{end}}', '<3><4><5>'],
    ['{{range $i, $v := .L}}{{$i}}={{$v}} {{end}}', '0=3 1=4 2=5 '],
    ['{{range $k, $v := .M}}{{$k}}{{$v}}{{end}}', 'a1b2c3'],
    ['{{range .Empty}}x{{else}}none{{end}}', 'none'],
    ['{{range 3}}{{.}}{{end}}', '012'],
    ['{{range .L}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}', '35'],
    ['{{range .L}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', '3'],
    ['{{range .L}}{{$.S}}{{end}}', 'strstrstr'],
    ['{{range .Nil}}x{{else}}nil{{end}}', 'nil'],
  ])('%s', (text, want) => {
    expect(run(text, DATA)).toBe(want);
  });

  it('rejects ranging over non-iterables', () => {
    expect(() => run('{{range .F}}{{end}}', DATA)).toThrow("range can't iterate over 1.5");
    expect(() => run('{{range $a, $b := 3}}{{end}}')).toThrow(
      "can't use 3 to iterate over more than one variable",
    );
  });
});

describe('whitespace, comments and delimiters', () => {
  it('trims and drops comments', () => {
    expect(run('a  {{- /* c */ -}}  b {{- 1}} {{2 -}} \n c')).toBe('ab1 2c');
  });

  it('uses custom delimiters', () => {
    expect(run('<<.S>> {{.S}}', DATA, (t) => t.delims('<<', '>>'))).toBe('str {{.S}}');
  });
});

describe('templates in a set', () => {
  it('defines and calls templates with their own dot', () => {
    expect(run('{{define "item"}}[{{.}}]{{end}}{{range .L}}{{template "item" .}}{{end}}', DATA)).toBe(
      '[3][4][5]',
    );
  });

  it('lets a later parse override a block', () => {
    const t = new Template('page').parse('<{{block "body" .}}default{{end}}>');
    expect(t.execute(null)).toBe('<default>');
    t.new('body').parse('custom');
    expect(t.execute(null)).toBe('<custom>');
  });

  it('does not replace a definition with an empty one', () => {
    const t = new Template('root').parse('{{define "x"}}X{{end}}{{template "x"}}');
    t.parse('{{define "x"}}{{end}}');
    expect(t.execute(null)).toBe('X');
  });

  it('looks up, lists and executes named templates', () => {
    const t = new Template('root').parse('{{define "a"}}A{{.}}{{end}}{{define "b"}}B{{end}}');
    expect(t.lookup('a')?.name).toBe('a');
    expect(t.lookup('zzz')).toBeUndefined();
    expect(t.executeTemplate('a', 1n)).toBe('A1');
    expect(t.definedTemplates()).toMatch(/^; defined templates are: /);
    expect(() => t.executeTemplate('zzz', null)).toThrow(
      'template: no template "zzz" associated with template "root"',
    );
  });

  it('reports undefined and incomplete templates', () => {
    expect(() => run('{{template "none"}}')).toThrow(
      'template: t:1:11: executing "t" at <{{template "none"}}>: template "none" not defined',
    );
    expect(() => new Template('x').execute(null)).toThrow(
      'template: x: "x" is an incomplete or empty template',
    );
  });
});

describe('missingkey option', () => {
  it('prints <no value>, zero (nil for interface maps) or fails', () => {
    expect(run('{{.a}}', {}, (t) => t.option('missingkey=default'))).toBe('<no value>');
    expect(run('{{.a}}', {}, (t) => t.option('missingkey=zero'))).toBe('<no value>');
    expect(() => run('{{.a}}', {}, (t) => t.option('missingkey=error'))).toThrow(
      'map has no entry for key "a"',
    );
    expect(() => run('{{.a}}', null, (t) => t.option('missingkey=error'))).toThrow(
      'nil data; no entry for key "a"',
    );
    expect(() => new Template('t').option('bogus')).toThrow(TemplateError);
  });
});

describe('functions', () => {
  const funcs = {
    upper: new GoFunc('upper', (s) => (s as string).toUpperCase(), { params: ['string'] }),
    add: new GoFunc('add', (a, b) => (a as bigint) + (b as bigint), { params: ['int', 'int'] }),
    fail: () => {
      throw new Error('boom');
    },
    join: (...parts: GoValue[]) => parts.join('+'),
  };

  it('calls user functions with typed parameters and pipelines', () => {
    const set = (t: Template) => t.funcs(funcs);
    expect(run('{{upper "a"}} {{"b" | upper}} {{add 1 2}} {{join "x" "y"}}', null, set)).toBe('A B 3 x+y');
    expect(() => run('{{upper 1}}', null, set)).toThrow('expected string; found 1');
    expect(() => run('{{add 1}}', null, set)).toThrow('wrong number of args for add: want 2 got 1');
    expect(() => run('{{1.5 | add 1}}', null, set)).toThrow(
      'wrong type for value; expected int; got float64',
    );
    expect(() => run('{{fail}}', null, set)).toThrow(
      'template: t:1:2: executing "t" at <fail>: error calling fail: boom',
    );
  });

  it('calls function values with call', () => {
    expect(run('{{call .F 2}}', { F: new GoFunc('f', (n) => (n as bigint) * 2n, { params: ['int'] }) })).toBe(
      '4',
    );
    expect(() => run('{{call .F "x"}}', { F: new GoFunc('f', (n) => n, { params: ['int'] }) })).toThrow(
      'error calling call: arg 0: wrong type for value; expected int; got string',
    );
    expect(() => run('{{call .X}}', { X: 1n })).toThrow('error calling call: non-function .X of type int');
  });

  it('rejects invalid function names', () => {
    expect(() => new Template('t').funcs({ 'a-b': () => null })).toThrow(
      'function name "a-b" is not a valid identifier',
    );
  });
});

describe('execution errors', () => {
  it('reports template name, line, byte column and context', () => {
    expect(() => run('line1\n  é{{index .L 9}}', DATA)).toThrow(
      new ExecError(
        'template: t:2:6: executing "t" at <index .L 9>: error calling index: index out of range: 9',
        't',
      ),
    );
    expect(() => run('{{.S.X}}', DATA)).toThrow("can't evaluate field X in type string");
    expect(() => run('{{nil}}')).toThrow('nil is not a command');
    expect(() => run('{{1 2}}')).toThrow("can't give argument to non-function 1");
    expect(() => run('{{9223372036854775808}}')).toThrow('9223372036854775808 overflows int');
  });

  it('bounds template recursion', () => {
    const t = new Template('r').setLimits({ maxExecDepth: 50 }).parse('{{template "r" .}}');
    expect(() => t.execute(null)).toThrow('exceeded maximum template depth (50)');
    const deep = new Template('r').parse('{{template "r" .}}');
    expect(() => deep.execute(null)).toThrow(/exceeded maximum template depth/);
  });

  it('bounds output and range iterations when limits are set', () => {
    const big = new Template('b')
      .setLimits({ maxRangeIterations: 1000 })
      .parse('{{range 1000000000}}{{end}}');
    expect(() => big.execute(null)).toThrow('range iterations exceed the limit of 1000');
    const wide = new Template('w').setLimits({ maxOutputLength: 100 }).parse('{{range 1000}}xx{{end}}');
    expect(() => wide.execute(null)).toThrow('output exceeds the limit of 100 characters');
  });

  it('keeps parse errors typed', () => {
    expect(() => run('{{')).toThrow(ParseError);
  });
});

describe('structs and methods', () => {
  const files = new GoStruct(
    'chart.Files',
    {},
    {
      Get: new GoFunc('Get', (name) => `content of ${name as string}`, { params: ['string'] }),
    },
  );
  const release = new GoStruct(
    'chart.Release',
    { Name: 'rel', Revision: 2n },
    {
      String: new GoFunc('String', () => 'release rel', { params: [] }),
    },
  );
  const data: GoValue = { Files: files, Release: release };

  it('reads fields and calls methods with arguments and pipelines', () => {
    expect(run('{{.Release.Name}} {{.Files.Get "a.txt"}} {{"b" | .Files.Get}}', data)).toBe(
      'rel content of a.txt content of b',
    );
  });

  it('prints with a String method and types with the struct name', () => {
    expect(run('{{.Release}} {{printf "%T" .Release}}', data)).toBe('release rel chart.Release');
    expect(run('{{.}}', new GoStruct('T', { A: 1n, B: 'x' }))).toBe('{1 x}');
    expect(run('{{printf "%+v|%#v" . .}}', new GoStruct('p.T', { A: 1n, B: 'x' }))).toBe(
      '{A:1 B:x}|p.T{A:1, B:"x"}',
    );
  });

  it('rejects unknown fields and arguments to fields', () => {
    expect(() => run('{{.Release.Nope}}', data)).toThrow("can't evaluate field Nope in type chart.Release");
    expect(() => run('{{.Release.Name 1}}', data)).toThrow(
      'Name has arguments but cannot be invoked as function',
    );
    expect(() => run('{{.Files.Get}}', data)).toThrow('wrong number of args for Get: want 1 got 0');
  });

  it('treats structs as true and compares them by fields', () => {
    expect(run('{{if .Release}}yes{{end}} {{eq .Release .Release}}', data)).toBe('yes true');
  });
});

describe('clone and nested executions', () => {
  it('clones a set so that later parses stay in the clone', () => {
    const base = new Template('base').parse('{{define "x"}}X{{end}}{{template "x"}}');
    const copy = base.clone();
    copy.new('x').parse('Y');
    expect(copy.execute(null)).toBe('Y');
    expect(base.execute(null)).toBe('X');
  });

  it('wraps errors of nested executions like other function errors', () => {
    const set = new Template('root');
    set.funcs({ include: (name) => set.executeTemplate(name as string, null) });
    set.parse('{{define "bad"}}{{index 1 1}}{{end}}{{include "bad"}}');
    expect(() => set.execute(null)).toThrow(
      `template: root:1:38: executing "root" at <include "bad">: error calling include: template: root:1:18: executing "bad" at <index 1 1>: error calling index: can't index item of type int`,
    );
  });

  it('turns a JS stack overflow from deep data into an execution error', () => {
    let deep: GoValue = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(() => run('{{.}}', deep)).toThrow(/stack exhausted/);
  });

  it('turns very deep template nesting into a parse error', () => {
    const text = '{{if 1}}'.repeat(50000) + '{{end}}'.repeat(50000);
    expect(() => new Template('n').parse(text)).toThrow(ParseError);
  });
});

describe('nil entries versus missing keys', () => {
  const data: GoValue = { present: null, m: {} };

  it('fails on a field of a nil entry but not of a missing key', () => {
    expect(run('{{.missing.x}}', data)).toBe('<no value>');
    expect(() => run('{{.present.x}}', data)).toThrow('nil pointer evaluating interface {}.x');
  });

  it('treats a missing key as a nil interface under missingkey=zero, as Helm sees it', () => {
    expect(run('{{.m.a}}', data, (t) => t.option('missingkey=zero'))).toBe('<no value>');
    expect(() => run('{{.m.a.b}}', data, (t) => t.option('missingkey=zero'))).toThrow(
      'template: t:1:4: executing "t" at <.m.a.b>: nil pointer evaluating interface {}.b',
    );
  });

  it('treats nil range elements as nil interfaces', () => {
    const list: GoValue = { L: [{ x: 1n }, null] };
    expect(run('{{range .L}}[{{.}}]{{end}}', list)).toBe('[map[x:1]][<no value>]');
    expect(() => run('{{range .L}}{{.x}}{{end}}', list)).toThrow('nil pointer evaluating interface {}.x');
    expect(() => run('{{range $v := .L}}{{$v.x}}{{end}}', list)).toThrow(
      'nil pointer evaluating interface {}.x',
    );
    expect(
      run(
        '{{range $i, $v := .L}}{{$i}}{{end}}{{range .L}}{{template "t2" .}}{{end}}{{define "t2"}}{{.x}}{{end}}',
        list,
      ),
    ).toBe('011<no value>');
  });

  it('loses the distinction once a pipeline completes', () => {
    expect(run('{{$x := .present}}{{$x.y}}', data)).toBe('<no value>');
  });
});
