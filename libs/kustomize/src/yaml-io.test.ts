import { describe, expect, it } from 'vitest';
import { KustomizeError } from './errors.js';
import { parseObjects, printObjects, readsAsNonString } from './yaml-io.js';

describe('printObjects', () => {
  it('quotes like go-yaml: other types in double quotes, indicators in single quotes', () => {
    const yaml = printObjects([
      {
        kind: 'ConfigMap',
        data: {
          version: '1.10',
          flag: 'yes',
          short: 'y',
          octal: '0755',
          underscored: '1_000',
          date: '2025-07-06T17:19:51Z',
          empty: '',
          star: '*',
          range: '>=1.0.0',
          color: '#34577c',
          plain: 'nginx:1.25',
          script: 'echo a\necho b\n',
        },
      },
    ]);
    expect(yaml).toBe(
      [
        'data:',
        "  color: '#34577c'",
        '  date: "2025-07-06T17:19:51Z"',
        '  empty: ""',
        '  flag: "yes"',
        '  octal: "0755"',
        '  plain: nginx:1.25',
        "  range: '>=1.0.0'",
        '  script: |',
        '    echo a',
        '    echo b',
        '  short: "y"',
        "  star: '*'",
        '  underscored: "1_000"',
        '  version: "1.10"',
        'kind: ConfigMap',
        '',
      ].join('\n'),
    );
  });

  it('double-quotes what no literal block can hold, with escapes and go-yaml folding', () => {
    const long = `line one with some words \n${'more '.repeat(25)}end\n`;
    expect(printObjects([{ tab: 'a\n\tb\n', spaceBreak: 'a \nb\n', tabLine: 'a\tb', long }])).toBe(
      [
        'long: "line one with some words \\nmore more more more more more more more more more',
        '  more more more more more more more more more more more more more more more end\\n"',
        'spaceBreak: "a \\nb\\n"',
        'tab: "a\\n\\tb\\n"',
        'tabLine: "a\\tb"',
        '',
      ].join('\n'),
    );
  });

  it('folds long plain and single-quoted text a word past column 80, as go-yaml does', () => {
    const words = `${'word '.repeat(30)}x`;
    expect(printObjects([{ a: { long: words, quoted: `'${words}` } }])).toBe(
      [
        'a:',
        '  long: word word word word word word word word word word word word word word word',
        '    word word word word word word word word word word word word word word word x',
        "  quoted: '''word word word word word word word word word word word word word word",
        '    word word word word word word word word word word word word word word word word',
        "    x'",
        '',
      ].join('\n'),
    );
  });

  it('separates documents with ---', () => {
    expect(printObjects([{ a: 1 }, { b: [1, 2] }])).toBe('a: 1\n---\nb:\n- 1\n- 2\n');
  });

  it('tells strings go-yaml reads as other types from plain strings', () => {
    for (const text of [
      '',
      '~',
      'null',
      'True',
      'off',
      '+12',
      '0x1F',
      '0o17',
      '1e3',
      '.5',
      '.inf',
      '1:20',
      '2024-01-02',
    ])
      expect(readsAsNonString(text)).toBe(true);
    for (const text of ['web', 'v1', '1.2.3', '.', '-', 'nginx:1.25', 'inf', '0x', '2024-1'])
      expect(readsAsNonString(text)).toBe(false);
  });
});

describe('parseObjects', () => {
  it('unwraps Lists and skips empty documents', () => {
    const objects = parseObjects('---\n---\nkind: List\nitems:\n- kind: A\n- kind: B\n', 'f.yaml');
    expect(objects).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('refuses documents that are not mappings, naming the file', () => {
    expect(() => parseObjects('- a\n', 'f.yaml')).toThrow(KustomizeError);
    expect(() => parseObjects('- a\n', 'f.yaml')).toThrow(/^f\.yaml: a document is not a mapping/);
  });
});
