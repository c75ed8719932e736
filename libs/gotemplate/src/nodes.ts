/** Parse-tree nodes with Go's node types and String() forms. */
import { quoteGo } from './quote.js';
import type { GoComplex } from './values.js';

export interface WriteOptions {
  /** Print text nodes as Go %q strings (the form Go's parse tests use). */
  quoteText: boolean;
}

const RAW: WriteOptions = { quoteText: false };

export abstract class Node {
  constructor(readonly pos: number) {}
  abstract readonly type: string;
  abstract write(opts: WriteOptions): string;
  /** Go's String(): text nodes printed raw. */
  toString(): string {
    return this.write(RAW);
  }
}

export class TextNode extends Node {
  readonly type = 'Text';
  constructor(
    pos: number,
    readonly text: string,
  ) {
    super(pos);
  }
  write(opts: WriteOptions): string {
    return opts.quoteText ? quoteGo(this.text) : this.text;
  }
}

export class CommentNode extends Node {
  readonly type = 'Comment';
  constructor(
    pos: number,
    readonly text: string,
  ) {
    super(pos);
  }
  write(): string {
    return `{{${this.text}}}`;
  }
}

export class ListNode extends Node {
  readonly type = 'List';
  readonly nodes: Node[] = [];
  write(opts: WriteOptions): string {
    return this.nodes.map((n) => n.write(opts)).join('');
  }
}

export class IdentifierNode extends Node {
  readonly type = 'Identifier';
  constructor(
    pos: number,
    readonly ident: string,
  ) {
    super(pos);
  }
  write(): string {
    return this.ident;
  }
}

export class VariableNode extends Node {
  readonly type = 'Variable';
  readonly ident: string[];
  constructor(pos: number, name: string) {
    super(pos);
    this.ident = name.split('.');
  }
  write(): string {
    return this.ident.join('.');
  }
}

export class DotNode extends Node {
  readonly type = 'Dot';
  write(): string {
    return '.';
  }
}

export class NilNode extends Node {
  readonly type = 'Nil';
  write(): string {
    return 'nil';
  }
}

export class FieldNode extends Node {
  readonly type = 'Field';
  readonly ident: string[];
  constructor(pos: number, name: string) {
    super(pos);
    this.ident = name.slice(1).split('.');
  }
  write(): string {
    return this.ident.map((i) => `.${i}`).join('');
  }
}

export class BoolNode extends Node {
  readonly type = 'Bool';
  constructor(
    pos: number,
    readonly value: boolean,
  ) {
    super(pos);
  }
  write(): string {
    return String(this.value);
  }
}

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: GoComplex | null;
}

export class NumberNode extends Node {
  readonly type = 'Number';
  constructor(
    pos: number,
    readonly text: string,
    readonly value: NumberValue,
  ) {
    super(pos);
  }
  write(): string {
    return this.text;
  }
}

export class StringNode extends Node {
  readonly type = 'String';
  constructor(
    pos: number,
    readonly quoted: string,
    readonly text: string,
  ) {
    super(pos);
  }
  write(): string {
    return this.quoted;
  }
}

/** A pipeline argument written in parentheses prints with its parentheses. */
function writeArg(n: Node, opts: WriteOptions): string {
  return n instanceof PipeNode ? `(${n.write(opts)})` : n.write(opts);
}

export class ChainNode extends Node {
  readonly type = 'Chain';
  readonly fields: string[] = [];
  constructor(
    pos: number,
    readonly node: Node,
  ) {
    super(pos);
  }
  add(field: string): void {
    if (field[0] !== '.') throw new Error('no dot in field');
    this.fields.push(...field.slice(1).split('.'));
  }
  write(opts: WriteOptions): string {
    return writeArg(this.node, opts) + this.fields.map((f) => `.${f}`).join('');
  }
}

export class CommandNode extends Node {
  readonly type = 'Command';
  readonly args: Node[] = [];
  write(opts: WriteOptions): string {
    return this.args.map((a) => writeArg(a, opts)).join(' ');
  }
}

export class PipeNode extends Node {
  readonly type = 'Pipe';
  isAssign = false;
  readonly decl: VariableNode[] = [];
  readonly cmds: CommandNode[] = [];
  constructor(
    pos: number,
    readonly line: number,
  ) {
    super(pos);
  }
  write(opts: WriteOptions): string {
    let out = '';
    if (this.decl.length > 0) {
      out = this.decl.map((d) => d.write()).join(', ') + (this.isAssign ? ' = ' : ' := ');
    }
    return out + this.cmds.map((c) => c.write(opts)).join(' | ');
  }
}

export class ActionNode extends Node {
  readonly type = 'Action';
  constructor(
    pos: number,
    readonly line: number,
    readonly pipe: PipeNode,
  ) {
    super(pos);
  }
  write(opts: WriteOptions): string {
    return `{{${this.pipe.write(opts)}}}`;
  }
}

export type BranchKind = 'if' | 'range' | 'with';

/** if, range and with; positioned at their pipeline as in Go. */
export class BranchNode extends Node {
  readonly line: number;
  constructor(
    readonly type: BranchKind,
    readonly pipe: PipeNode,
    readonly list: ListNode,
    readonly elseList: ListNode | null,
  ) {
    super(pipe.pos);
    this.line = pipe.line;
  }
  write(opts: WriteOptions): string {
    const head = `{{${this.type} ${this.pipe.write(opts)}}}${this.list.write(opts)}`;
    const tail = this.elseList ? `{{else}}${this.elseList.write(opts)}` : '';
    return `${head}${tail}{{end}}`;
  }
}

export class BreakNode extends Node {
  readonly type = 'Break';
  write(): string {
    return '{{break}}';
  }
}

export class ContinueNode extends Node {
  readonly type = 'Continue';
  write(): string {
    return '{{continue}}';
  }
}

export class TemplateNode extends Node {
  readonly type = 'Template';
  constructor(
    pos: number,
    readonly line: number,
    readonly name: string,
    readonly pipe: PipeNode | null,
  ) {
    super(pos);
  }
  write(opts: WriteOptions): string {
    const pipe = this.pipe ? ` ${this.pipe.write(opts)}` : '';
    return `{{template ${quoteGo(this.name)}${pipe}}}`;
  }
}

/** Internal markers returned while parsing; never part of a finished tree. */
export class EndNode extends Node {
  readonly type = 'End';
  write(): string {
    return '{{end}}';
  }
}

export class ElseNode extends Node {
  readonly type = 'Else';
  write(): string {
    return '{{else}}';
  }
}

/** unicode.IsSpace characters (JS \\s also counts U+FEFF, Go does not). */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Go's parse.IsEmptyTree: only definitions, spaces and comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null || n instanceof CommentNode) return true;
  if (n instanceof ListNode) return n.nodes.every(isEmptyTree);
  if (n instanceof TextNode) return GO_SPACE_ONLY.test(n.text);
  return false;
}
