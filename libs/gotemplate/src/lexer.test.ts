import { describe, expect, it } from 'vitest';
import { ItemType, Lexer, itemString } from './lexer.js';

function lex(input: string, left = '{{', right = '}}'): [string, string][] {
  const l = new Lexer(input, left, right, { emitComment: true, breakOK: true, continueOK: true });
  const out: [string, string][] = [];
  for (;;) {
    const item = l.nextItem();
    out.push([ItemType[item.type] as string, item.val]);
    if (item.type === ItemType.EOF || item.type === ItemType.Error) return out;
  }
}

describe('lexer', () => {
  it('splits text and actions', () => {
    expect(lex('a{{.X | printf "%d" 3}}b')).toEqual([
      ['Text', 'a'],
      ['LeftDelim', '{{'],
      ['Field', '.X'],
      ['Space', ' '],
      ['Pipe', '|'],
      ['Space', ' '],
      ['Identifier', 'printf'],
      ['Space', ' '],
      ['String', '"%d"'],
      ['Space', ' '],
      ['Number', '3'],
      ['RightDelim', '}}'],
      ['Text', 'b'],
      ['EOF', ''],
    ]);
  });

  it('trims spaces around trim markers', () => {
    expect(lex('a \n{{- 1 -}}\n b')).toEqual([
      ['Text', 'a'],
      ['LeftDelim', '{{'],
      ['Number', '1'],
      ['RightDelim', '}}'],
      ['Text', 'b'],
      ['EOF', ''],
    ]);
  });

  it('recognises keywords, variables, declarations, chars and complex numbers', () => {
    const items = lex("{{range $i, $v := .}}{{'a'}}{{1+2i}}{{nil}}{{end}}").map(([t]) => t);
    expect(items).toContain('Range');
    expect(items).toContain('Variable');
    expect(items).toContain('Declare');
    expect(items).toContain('Char');
    expect(items).toContain('CharConstant');
    expect(items).toContain('Complex');
    expect(items).toContain('Nil');
    expect(items).toContain('End');
  });

  it('emits comments and honours custom delimiters', () => {
    expect(lex('<</* c */>>x', '<<', '>>')).toEqual([
      ['Comment', '/* c */'],
      ['Text', 'x'],
      ['EOF', ''],
    ]);
  });

  it('reports lexical errors', () => {
    expect(lex('{{"abc')).toContainEqual(['Error', 'unterminated quoted string']);
    expect(lex('{{/* x')).toContainEqual(['Error', 'unclosed comment']);
    expect(lex('{{3x}}')).toContainEqual(['Error', 'bad number syntax: "3x"']);
    expect(lex('{{(1}}')).toContainEqual(['Error', 'unclosed left paren']);
    expect(lex('{{a#}}').at(-1)).toEqual(['Error', "bad character U+0023 '#'"]);
  });

  it("prints items as Go's item.String does", () => {
    expect(itemString({ type: ItemType.String, pos: 0, val: '"a very long string"', line: 1 })).toBe(
      '"\\"a very lo"...',
    );
    expect(itemString({ type: ItemType.End, pos: 0, val: 'end', line: 1 })).toBe('<end>');
  });
});
