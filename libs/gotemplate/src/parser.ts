/** Go's text/template/parse: builds a Tree per template, adding {{define}}d templates to a shared set. */
import { ParseError, isStackOverflow } from './errors.js';
import { ItemType, Lexer, itemString, type Item } from './lexer.js';
import {
  ActionNode,
  BoolNode,
  BranchNode,
  BreakNode,
  ChainNode,
  CommandNode,
  CommentNode,
  ContinueNode,
  DotNode,
  ElseNode,
  EndNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  NilNode,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  TextNode,
  VariableNode,
  isEmptyTree,
  type BranchKind,
  type Node,
} from './nodes.js';
import { parseNumberLiteral } from './numbers.js';
import { quoteGo, unquoteGo } from './quote.js';

export interface ParseMode {
  /** Keep comments as CommentNodes (Go's parse.ParseComments). */
  parseComments: boolean;
  /** Do not check that functions exist at parse time (Go's parse.SkipFuncCheck). */
  skipFuncCheck: boolean;
  /** Maximum nesting of parenthesized pipelines. */
  maxParenDepth: number;
}

export const DEFAULT_MODE: ParseMode = { parseComments: false, skipFuncCheck: false, maxParenDepth: 10000 };

export type TreeSet = Map<string, Tree>;

/** Shared state of one Parse call; {{define}} and {{block}} trees reuse it. */
interface ParseContext {
  lex: Lexer;
  treeSet: TreeSet;
  hasFunction: (name: string) => boolean;
  mode: ParseMode;
  text: string;
  parseName: string;
}

/** Thrown internally to unwind the parser; converted to ParseError at the top. */
class Abort {
  constructor(readonly message: string) {}
}

const OPERAND_STARTS = new Set([
  ItemType.Bool,
  ItemType.CharConstant,
  ItemType.Complex,
  ItemType.Dot,
  ItemType.Field,
  ItemType.Identifier,
  ItemType.Number,
  ItemType.Nil,
  ItemType.RawString,
  ItemType.String,
  ItemType.Variable,
  ItemType.LeftParen,
]);

export class Tree {
  root: ListNode = new ListNode(0);
  parseName: string;
  text = '';
  private ctx: ParseContext | null = null;
  private readonly tokens: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private parenDepth = 0;
  private actionLine = 0;

  constructor(public name: string) {
    this.parseName = name;
  }

  /**
   * Parses `text` into this tree and adds it (and its definitions) to `treeSet`.
   * Throws ParseError with Go's message on failure.
   */
  static parse(name: string, text: string, opts: ParseOptions): Tree {
    const t = new Tree(name);
    const lex = new Lexer(text, opts.leftDelim || '{{', opts.rightDelim || '}}', {
      emitComment: opts.mode.parseComments,
      breakOK: true,
      continueOK: true,
    });
    t.run(
      { lex, treeSet: opts.treeSet, hasFunction: opts.hasFunction, mode: opts.mode, text, parseName: name },
      () => {
        t.parseTop();
        t.add();
      },
    );
    return t;
  }

  private run(ctx: ParseContext, body: () => void): void {
    this.ctx = ctx;
    this.text = ctx.text;
    this.parseName = ctx.parseName;
    try {
      body();
    } catch (e) {
      if (e instanceof Abort) throw new ParseError(e.message);
      if (isStackOverflow(e))
        throw new ParseError(`template: ${this.parseName}: template nesting too deep (stack exhausted)`);
      throw e;
    } finally {
      this.ctx = null;
    }
  }

  private get c(): ParseContext {
    if (!this.ctx) throw new Error('tree is not being parsed');
    return this.ctx;
  }

  // --- token stream with three-token lookahead ---

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.tokens[0] = this.c.lex.nextItem();
    return this.tokens[this.peekCount] as Item;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.tokens[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.tokens[1] = t1;
    this.tokens[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.tokens[this.peekCount - 1] as Item;
    this.peekCount = 1;
    this.tokens[0] = this.c.lex.nextItem();
    return this.tokens[0];
  }

  private nextNonSpace(): Item {
    let token = this.next();
    while (token.type === ItemType.Space) token = this.next();
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // --- errors ---

  private errorf(message: string): never {
    const line = this.tokens[0]?.line ?? 1;
    throw new Abort(`template: ${this.parseName}:${line}: ${message}`);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(a: ItemType, b: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== a && token.type !== b) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private unquote(token: Item): string {
    try {
      return unquoteGo(token.val);
    } catch (e) {
      return this.errorf((e as Error).message);
    }
  }

  // --- structure ---

  /** Go's Tree.add: an empty tree never replaces, and a non-empty one may not be redefined. */
  private add(): void {
    const existing = this.c.treeSet.get(this.name);
    if (!existing || isEmptyTree(existing.root)) {
      this.c.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template "${this.name}"`);
  }

  private parseTop(): void {
    this.root = new ListNode(this.peek().pos);
    while (this.peek().type !== ItemType.EOF) {
      if (this.peek().type === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().type === ItemType.Define) {
          const def = new Tree('definition');
          def.run(this.c, () => def.parseDefinition());
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n instanceof EndNode || n instanceof ElseNode) this.errorf(`unexpected ${n.toString()}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    this.name = this.unquote(name);
    this.expect(ItemType.RightDelim, context);
    const [list, end] = this.itemList();
    if (!(end instanceof EndNode)) this.errorf(`unexpected ${end.toString()} in ${context}`);
    this.root = list;
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list = new ListNode(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n instanceof EndNode || n instanceof ElseNode) return [list, n];
      list.nodes.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Text:
        return new TextNode(token.pos, token.val);
      case ItemType.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case ItemType.Comment:
        return new CommentNode(token.pos, token.val);
      default:
        return this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
      case ItemType.Continue:
        return this.loopControl(token);
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return new EndNode(this.expect(ItemType.RightDelim, 'end').pos);
      case ItemType.If:
      case ItemType.Range:
      case ItemType.With:
        return this.branchControl(token.val as BranchKind);
      case ItemType.Template:
        return this.templateControl();
    }
    this.backup();
    const start = this.peek();
    return new ActionNode(start.pos, start.line, this.pipeline('command', ItemType.RightDelim));
  }

  private loopControl(keyword: Item): Node {
    const name = keyword.val;
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, `{{${name}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${name}}} outside {{range}}`);
    return name === 'break' ? new BreakNode(keyword.pos) : new ContinueNode(keyword.pos);
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    // {{else if}} and {{else with}} become {{else}}{{if ...}}: leave the keyword pending.
    if (peek.type === ItemType.If || peek.type === ItemType.With) return new ElseNode(peek.pos);
    return new ElseNode(this.expect(ItemType.RightDelim, 'else').pos);
  }

  private branchControl(kind: BranchKind): Node {
    const mark = this.vars.length;
    try {
      return this.parseControl(kind);
    } finally {
      this.vars.length = mark;
    }
  }

  private parseControl(kind: BranchKind): BranchNode {
    const pipe = this.pipeline(kind, ItemType.RightDelim);
    if (kind === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next instanceof ElseNode) {
      const chained =
        (kind === 'if' && this.peek().type === ItemType.If) ||
        (kind === 'with' && this.peek().type === ItemType.With);
      if (chained) {
        this.next();
        elseList = new ListNode(next.pos);
        elseList.nodes.push(this.branchControl(kind));
      } else {
        const [elseItems, end] = this.itemList();
        if (!(end instanceof EndNode)) this.errorf(`expected end; found ${end.toString()}`);
        elseList = elseItems;
      }
    }
    return new BranchNode(kind, pipe, list, elseList);
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = new Tree(name);
    block.run(this.c, () => {
      const [list, end] = block.itemList();
      if (!(end instanceof EndNode)) this.errorf(`unexpected ${end.toString()} in ${context}`);
      block.root = list;
      block.add();
    });
    return new TemplateNode(token.pos, token.line, name, pipe);
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return new TemplateNode(token.pos, token.line, name, pipe);
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.type !== ItemType.String && token.type !== ItemType.RawString) this.unexpected(token, context);
    return this.unquote(token);
  }

  // --- pipelines ---

  private pipeline(context: string, end: ItemType): PipeNode {
    const start = this.peekNonSpace();
    const pipe = new PipeNode(start.pos, start.line);
    this.declarations(pipe, context);
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_STARTS.has(token.type)) this.unexpected(token, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  /** Reads `$x :=`, `$x =` or `$k, $v :=` at the start of a pipeline, if present. */
  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== ItemType.Variable) return;
      this.next();
      // Space is a token: "$x foo" needs three tokens of lookahead to tell it from "$x := foo".
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === ItemType.Assign || next.type === ItemType.Declare) {
        pipe.isAssign = next.type === ItemType.Assign;
        this.nextNonSpace();
        this.declare(pipe, v);
        return;
      }
      if (next.type === ItemType.Char && next.val === ',') {
        this.nextNonSpace();
        this.declare(pipe, v);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === ItemType.Variable || after === ItemType.RightDelim || after === ItemType.RightParen)
            continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      if (tokenAfterVariable.type === ItemType.Space) this.backup3(v, tokenAfterVariable);
      else this.backup2(v);
      return;
    }
  }

  private declare(pipe: PipeNode, v: Item): void {
    pipe.decl.push(new VariableNode(v.pos, v.val));
    this.vars.push(v.val);
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      const literal =
        first instanceof BoolNode ||
        first instanceof DotNode ||
        first instanceof NilNode ||
        first instanceof NumberNode ||
        first instanceof StringNode;
      if (literal) this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  private command(): CommandNode {
    const cmd = new CommandNode(this.peekNonSpace().pos);
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === ItemType.Space) continue;
      if (token.type === ItemType.RightDelim || token.type === ItemType.RightParen) this.backup();
      else if (token.type !== ItemType.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (!node || this.peek().type !== ItemType.Field) return node;
    const chain = new ChainNode(this.peek().pos, node);
    while (this.peek().type === ItemType.Field) chain.add(this.next().val);
    // Fields after a field or variable extend it; obvious misuse of literals fails now.
    if (node instanceof FieldNode) return new FieldNode(chain.pos, chain.toString());
    if (node instanceof VariableNode) return new VariableNode(chain.pos, chain.toString());
    if (
      node instanceof BoolNode ||
      node instanceof StringNode ||
      node instanceof NumberNode ||
      node instanceof NilNode ||
      node instanceof DotNode
    ) {
      this.errorf(`unexpected . after term ${quoteGo(node.toString())}`);
    }
    return chain;
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Identifier:
        if (!this.c.mode.skipFuncCheck && !this.c.hasFunction(token.val))
          this.errorf(`function "${token.val}" not defined`);
        return new IdentifierNode(token.pos, token.val);
      case ItemType.Dot:
        return new DotNode(token.pos);
      case ItemType.Nil:
        return new NilNode(token.pos);
      case ItemType.Variable:
        return this.useVar(token);
      case ItemType.Field:
        return new FieldNode(token.pos, token.val);
      case ItemType.Bool:
        return new BoolNode(token.pos, token.val === 'true');
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number:
        return this.number(token);
      case ItemType.LeftParen:
        return this.parenthesized();
      case ItemType.String:
      case ItemType.RawString:
        return new StringNode(token.pos, token.val, this.unquote(token));
    }
    this.backup();
    return null;
  }

  private number(token: Item): NumberNode {
    try {
      return new NumberNode(token.pos, token.val, parseNumberLiteral(token.val, token.type));
    } catch (e) {
      return this.errorf((e as Error).message);
    }
  }

  private parenthesized(): Node {
    if (this.parenDepth >= this.c.mode.maxParenDepth) this.errorf('max expression depth exceeded');
    this.parenDepth++;
    try {
      return this.pipeline('parenthesized pipeline', ItemType.RightParen);
    } finally {
      this.parenDepth--;
    }
  }

  private useVar(token: Item): VariableNode {
    const v = new VariableNode(token.pos, token.val);
    if (!this.vars.includes(v.ident[0] as string)) this.errorf(`undefined variable "${v.ident[0]}"`);
    return v;
  }
}

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  treeSet: TreeSet;
  hasFunction: (name: string) => boolean;
  mode: ParseMode;
}
