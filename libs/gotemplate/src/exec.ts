/** Go's text/template executor: walks a parse tree against data with Go's evaluation rules. */
import { ExecError, isStackOverflow } from './errors.js';
import { formatValue } from './fmt.js';
import { callFunction } from './funcs.js';
import {
  ActionNode,
  BoolNode,
  BranchNode,
  BreakNode,
  ChainNode,
  type CommandNode,
  CommentNode,
  ContinueNode,
  DotNode,
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
  type Node,
} from './nodes.js';
import type { Tree } from './parser.js';
import { quoteGo } from './quote.js';
import {
  GoFunc,
  GoStruct,
  assignError,
  byteLength,
  isMap,
  isTrue,
  methodOf,
  paramTypeName,
  sortedKeys,
  typeName,
  type GoValue,
  type ParamType,
} from './values.js';

export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecLimits {
  /** Nested {{template}} calls allowed (Go: 100000). */
  maxExecDepth: number;
  /** Output size cap in UTF-16 units; guards against runaway ranges. */
  maxOutputLength: number;
  /** Total range iterations allowed in one execution. */
  maxRangeIterations: number;
  /**
   * A step budget shared by every execution holding the same object (range iterations and
   * template calls), so work spread over many nested executions (e.g. Helm's include) is bounded
   * too; `deadline` (epoch milliseconds) bounds their wall-clock time.
   */
  budget?: { steps: number; deadline?: number };
}

/** What the executor needs from a template (implemented by Template). */
export interface ExecTemplate {
  readonly name: string;
  readonly tree: Tree | null;
  lookup(name: string): ExecTemplate | undefined;
  findFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined;
  readonly missingKey: MissingKey;
  readonly limits: ExecLimits;
}

/** "Missing" (no final pipeline value), distinct from nil. */
const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

/** The command words of an invocation (the first is the function or field itself) and the piped-in value. */
interface Invocation {
  args: Node[];
  final: Final;
}

const NO_ARGS: Invocation = { args: [], final: MISSING };

/** A field's value, and whether it is a nil interface (an entry holding nil) rather than no value at all. */
interface FieldResult {
  value: GoValue;
  nilInterface: boolean;
}

/** Control flow of {{break}} and {{continue}}, unwound to the enclosing range. */
class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

interface Variable {
  name: string;
  value: GoValue;
  /** Set by range from a nil element: a nil interface, whose fields are an error (see FieldResult). */
  nilInterface?: boolean;
}

export class State {
  private out: string[] = [];
  private outLength = 0;
  private node: Node | null = null;
  private vars: Variable[];
  private depth = 0;
  /** Dot is a range's nil element (a nil interface in Go) rather than no value. */
  private nilDot = false;
  private rangeIterations = 0;

  constructor(
    private tmpl: ExecTemplate,
    dot: GoValue,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  /** Executes the template's tree and returns its output. */
  run(dot: GoValue): string {
    const tree = this.tmpl.tree;
    if (!tree) this.errorf(`${quoteGo(this.tmpl.name)} is an incomplete or empty template`);
    try {
      this.walk(dot, tree.root);
    } catch (e) {
      // Deep nesting outside {{template}} calls (data, parentheses) can also exhaust the stack.
      if (isStackOverflow(e)) this.errorf('execution nested too deeply (stack exhausted)');
      throw e;
    }
    return this.out.join('');
  }

  // --- errors ---

  private errorf(message: string): never {
    const name = this.tmpl.name;
    if (!this.node || !this.tmpl.tree) throw new ExecError(`template: ${name}: ${message}`, name);
    const [location, context] = errorContext(this.tmpl.tree, this.node);
    throw new ExecError(
      `template: ${location}: executing ${quoteGo(name)} at <${context}>: ${message}`,
      name,
    );
  }

  private at(node: Node): void {
    this.node = node;
  }

  // --- variables ---

  private push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, value: GoValue, nilInterface = false): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        v.nilInterface = nilInterface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: GoValue, nilInterface = false): void {
    const v = this.vars[this.vars.length - n] as Variable;
    v.value = value;
    v.nilInterface = nilInterface;
  }

  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  // --- walking ---

  private write(s: string): void {
    this.outLength += s.length;
    if (this.outLength > this.tmpl.limits.maxOutputLength) {
      this.errorf(`output exceeds the limit of ${this.tmpl.limits.maxOutputLength} characters`);
    }
    this.out.push(s);
  }

  private walk(dot: GoValue, node: Node): void {
    this.at(node);
    if (node instanceof ActionNode) {
      const val = this.evalPipeline(dot, node.pipe);
      if (node.pipe.decl.length === 0) this.printValue(node, val);
    } else if (node instanceof TextNode) {
      this.write(node.text);
    } else if (node instanceof ListNode) {
      for (const n of node.nodes) this.walk(dot, n);
    } else if (node instanceof BranchNode) {
      if (node.type === 'range') this.walkRange(dot, node);
      else this.walkIfOrWith(dot, node);
    } else if (node instanceof TemplateNode) {
      this.walkTemplate(dot, node);
    } else if (node instanceof BreakNode) {
      throw new LoopSignal('break');
    } else if (node instanceof ContinueNode) {
      throw new LoopSignal('continue');
    } else if (!(node instanceof CommentNode)) {
      this.errorf(`unknown node: ${node.toString()}`);
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, node: BranchNode): void {
    this.at(node);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const ran = this.rangeOver(val, node);
      if (!ran && node.elseList) this.walk(dot, node.elseList);
    } catch (e) {
      if (!(e instanceof LoopSignal && e.kind === 'break')) throw e;
    } finally {
      this.pop(outer);
    }
  }

  /** Iterates a range value; false when there was nothing to iterate (the else branch runs). */
  private rangeOver(val: GoValue, node: BranchNode): boolean {
    const mark = this.mark();
    const each = (key: GoValue, elem: GoValue): void => this.oneIteration(node, mark, key, elem);
    if (Array.isArray(val)) {
      val.forEach((elem, i) => each(BigInt(i), elem));
      return val.length > 0;
    }
    if (isMap(val)) {
      const keys = sortedKeys(val);
      for (const k of keys) each(k, val[k] ?? null);
      return keys.length > 0;
    }
    if (typeof val === 'bigint') {
      if (node.pipe.decl.length > 1)
        this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
      for (let i = 0n; i < val; i++) each(i, i);
      return val > 0n;
    }
    if (val === null) return false;
    return this.errorf(`range can't iterate over ${formatValue(val)}`);
  }

  private oneIteration(node: BranchNode, mark: number, key: GoValue, elem: GoValue): void {
    if (++this.rangeIterations > this.tmpl.limits.maxRangeIterations) {
      this.errorf(`range iterations exceed the limit of ${this.tmpl.limits.maxRangeIterations}`);
    }
    this.spendStep();
    const { decl, isAssign } = node.pipe;
    if (decl.length > 0) {
      // With two variables the first gets the key; with one, the element.
      if (isAssign && decl.length > 1) this.setVar((decl[0] as VariableNode).ident[0] as string, key);
      else if (isAssign) this.setVar((decl[0] as VariableNode).ident[0] as string, elem, elem === null);
      else this.setTopVar(1, elem, elem === null);
    }
    if (decl.length > 1) {
      if (isAssign) this.setVar((decl[1] as VariableNode).ident[0] as string, elem, elem === null);
      else this.setTopVar(2, key);
    }
    const savedNilDot = this.nilDot;
    this.nilDot = elem === null;
    try {
      this.walk(elem, node.list);
    } catch (e) {
      if (!(e instanceof LoopSignal && e.kind === 'continue')) throw e;
    } finally {
      this.nilDot = savedNilDot;
      this.pop(mark);
    }
  }

  private spendStep(): void {
    const budget = this.tmpl.limits.budget;
    if (!budget) return;
    if (--budget.steps < 0) this.errorf('execution exceeds its step budget');
    // Checking the clock every 1024 steps keeps the cost negligible.
    if (budget.deadline !== undefined && (budget.steps & 0x3ff) === 0 && Date.now() > budget.deadline)
      this.errorf('execution exceeds its time limit');
  }

  private walkTemplate(dot: GoValue, node: TemplateNode): void {
    this.at(node);
    this.spendStep();
    const tmpl = this.tmpl.lookup(node.name);
    if (!tmpl) this.errorf(`template ${quoteGo(node.name)} not defined`);
    if (this.depth >= this.tmpl.limits.maxExecDepth) {
      this.errorf(`exceeded maximum template depth (${this.tmpl.limits.maxExecDepth})`);
    }
    const newDot = this.evalPipeline(dot, node.pipe);
    const saved = { tmpl: this.tmpl, vars: this.vars, nilDot: this.nilDot };
    this.depth++;
    this.nilDot = false;
    this.tmpl = tmpl;
    // No dynamic scoping: the called template sees only $.
    this.vars = [{ name: '$', value: newDot }];
    try {
      if (!tmpl.tree) this.errorf(`${quoteGo(tmpl.name)} is an incomplete or empty template`);
      this.walk(newDot, tmpl.tree.root);
    } catch (e) {
      if (isStackOverflow(e)) {
        // The JS stack ran out before Go's depth limit would have: report it the same way.
        this.tmpl = saved.tmpl;
        this.at(node);
        this.errorf(`exceeded maximum template depth (${this.depth} levels exhausted the stack)`);
      }
      throw e;
    } finally {
      this.depth--;
      this.tmpl = saved.tmpl;
      this.vars = saved.vars;
      this.nilDot = saved.nilDot;
    }
  }

  private printValue(node: Node, val: GoValue): void {
    this.at(node);
    if (val instanceof GoFunc) this.errorf(`can't print ${node.toString()} of type ${typeName(val)}`);
    this.write(val === null ? '<no value>' : formatValue(val));
  }

  // --- evaluation ---

  private evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (!pipe) return null;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? null : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0] as string, result);
      else this.push(v.ident[0] as string, result);
    }
    return result;
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0] as Node;
    const inv: Invocation = { args: cmd.args, final };
    if (first instanceof FieldNode) return this.evalFieldChain(dot, dot, first, first.ident, inv);
    if (first instanceof ChainNode) return this.evalChainNode(dot, first, inv);
    if (first instanceof IdentifierNode) return this.evalFunction(dot, first, cmd, inv);
    if (first instanceof VariableNode) return this.evalVariableNode(dot, first, inv);
    if (first instanceof PipeNode) {
      this.notAFunction(cmd.args, final);
      return this.evalPipeline(dot, first);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    if (first instanceof NilNode) this.errorf('nil is not a command');
    return this.evalLiteral(dot, first);
  }

  private evalLiteral(dot: GoValue, node: Node): GoValue {
    if (node instanceof BoolNode) return node.value;
    if (node instanceof DotNode) return dot;
    if (node instanceof NumberNode) return this.idealConstant(node);
    if (node instanceof StringNode) return node.text;
    return this.errorf(`can't evaluate command ${quoteGo(node.toString())}`);
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${(args[0] as Node).toString()}`);
  }

  /** An untyped constant becomes int, float64 or complex128 by its syntax, as Go's idealConstant. */
  private idealConstant(node: NumberNode): GoValue {
    this.at(node);
    const n = node.value;
    if (n.isComplex) return n.complex;
    const text = node.text;
    const isHexInt = /^[+-]?0[xX]/.test(text) && !/[pP]/.test(text);
    if (n.isFloat && !isHexInt && text[0] !== "'" && /[.eEpP]/.test(text)) return n.float64;
    if (n.isInt) return n.int64;
    if (n.isUint) this.errorf(`${text} overflows int`);
    return null;
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, inv: Invocation): GoValue {
    this.at(chain);
    if (chain.node instanceof NilNode) this.errorf(`indirection through explicit nil in ${chain.toString()}`);
    const receiver = this.evalArg(dot, 'any', chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.fields, inv);
  }

  private evalVariableNode(dot: GoValue, variable: VariableNode, inv: Invocation): GoValue {
    this.at(variable);
    const v = this.variable(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      this.notAFunction(inv.args, inv.final);
      return v.value;
    }
    return this.evalFieldChain(dot, v.value, variable, variable.ident.slice(1), inv);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    node: Node,
    ident: string[],
    inv: Invocation,
  ): GoValue {
    this.at(node);
    let cur: FieldResult = { value: receiver, nilInterface: this.startsAtNilInterface(node) };
    for (let i = 0; i < ident.length - 1; i++)
      cur = this.evalField(dot, ident[i] as string, node, NO_ARGS, cur);
    return this.evalField(dot, ident[ident.length - 1] as string, node, inv, cur).value;
  }

  /** Whether a field chain starts from a range's nil element (dot or a range variable). */
  private startsAtNilInterface(node: Node): boolean {
    if (node instanceof FieldNode) return this.nilDot;
    if (node instanceof VariableNode) return this.variable(node.ident[0] as string).nilInterface === true;
    return false;
  }

  /** A method call or struct field; a map's entry; nil follows the missingkey option. */
  private evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    inv: Invocation,
    receiver: FieldResult,
  ): FieldResult {
    const recv = receiver.value;
    if (recv instanceof GoStruct) return this.evalStructField(dot, fieldName, node, inv, recv);
    if (recv === null) {
      // Go: a map entry holding nil is a nil interface, unlike a missing key (no value at all).
      if (receiver.nilInterface) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
      if (this.tmpl.missingKey === 'error') this.errorf(`nil data; no entry for key ${quoteGo(fieldName)}`);
      return { value: null, nilInterface: false };
    }
    const method = methodOf(recv, fieldName);
    if (method) {
      const value = this.evalCall(dot, { fn: method, builtin: false }, node, inv);
      return { value, nilInterface: value === null };
    }
    if (!isMap(recv)) return this.errorf(`can't evaluate field ${fieldName} in type ${typeName(recv)}`);
    if (inv.args.length > 1 || inv.final !== MISSING)
      this.errorf(`${fieldName} is not a method but has arguments`);
    if (Object.hasOwn(recv, fieldName)) {
      const value = recv[fieldName] ?? null;
      return { value, nilInterface: value === null };
    }
    if (this.tmpl.missingKey === 'error') this.errorf(`map has no entry for key ${quoteGo(fieldName)}`);
    // missingkey=zero yields the zero value of the element type: a nil interface{}.
    return { value: null, nilInterface: this.tmpl.missingKey === 'zero' };
  }

  private evalStructField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    inv: Invocation,
    receiver: GoStruct,
  ): FieldResult {
    const method = Object.hasOwn(receiver.methods, fieldName) ? receiver.methods[fieldName] : undefined;
    if (method) {
      const value = this.evalCall(dot, { fn: method, builtin: false }, node, inv);
      return { value, nilInterface: value === null };
    }
    if (!Object.hasOwn(receiver.fields, fieldName))
      this.errorf(`can't evaluate field ${fieldName} in type ${receiver.typeName}`);
    if (inv.args.length > 1 || inv.final !== MISSING)
      this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
    const value = receiver.fields[fieldName] ?? null;
    return { value, nilInterface: value === null };
  }

  /** `cmd` is where call errors are reported: the whole command, or the identifier when it is an argument. */
  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, inv: Invocation): GoValue {
    this.at(node);
    const found = this.tmpl.findFunction(node.ident);
    if (!found) this.errorf(`${quoteGo(node.ident)} is not a defined function`);
    return this.evalCall(dot, found, cmd, inv);
  }

  private checkArity(fn: GoFunc, name: string, argCount: number, numIn: number): void {
    const { params, variadic } = fn.signature;
    if (variadic && numIn < params.length) {
      this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${argCount}`);
    }
    if (!variadic && numIn !== params.length)
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
  }

  private paramType(fn: GoFunc, i: number): ParamType {
    const { params, variadic } = fn.signature;
    return (i < params.length ? params[i] : variadic) ?? 'any';
  }

  private evalCall(
    dot: GoValue,
    found: { fn: GoFunc; builtin: boolean },
    node: Node,
    inv: Invocation,
  ): GoValue {
    const { fn, builtin: isBuiltin } = found;
    const { final } = inv;
    const name = fn.name;
    const args = inv.args.slice(1);
    const numIn = args.length + (final === MISSING ? 0 : 1);
    this.checkArity(fn, name, args.length, numIn);
    if (isBuiltin && (name === 'and' || name === 'or')) return this.evalAndOr(dot, name, args, final);
    const argv = args.map((a, i) => this.evalArg(dot, this.paramType(fn, i), a));
    if (final !== MISSING) argv.push(this.validateType(final, this.paramType(fn, args.length)));
    this.at(node);
    try {
      if (isBuiltin && name === 'call') {
        const callee = args.length === 0 ? String(final) : (args[0] as Node).toString();
        return callFunction(callee, argv[0] as GoValue, argv.slice(1));
      }
      return normalizeResult(fn.impl(...argv));
    } catch (e) {
      // Errors of nested executions (e.g. Helm's include) are wrapped like any other, as Go does.
      if (e instanceof LoopSignal || isStackOverflow(e)) throw e;
      this.at(node);
      return this.errorf(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  /** and/or evaluate lazily and return the deciding argument itself. */
  private evalAndOr(dot: GoValue, name: string, args: Node[], final: Final): GoValue {
    let v: GoValue = null;
    for (const arg of args) {
      v = this.evalArg(dot, 'value', arg);
      if (isTrue(v) === (name === 'or')) return v;
    }
    return final === MISSING ? v : final;
  }

  private validateType(value: GoValue, type: ParamType): GoValue {
    const err = assignError(value, type);
    if (err) this.errorf(err);
    return value;
  }

  private evalArg(dot: GoValue, type: ParamType, node: Node): GoValue {
    this.at(node);
    if (node instanceof NilNode) {
      if (type === 'any' || type === 'value') return null;
      this.errorf(`cannot assign nil to ${paramTypeName(type)}`);
    }
    if (node instanceof DotNode) return this.validateType(dot, type);
    const single: Invocation = { args: [node], final: MISSING };
    if (node instanceof FieldNode)
      return this.validateType(this.evalFieldChain(dot, dot, node, node.ident, single), type);
    if (node instanceof VariableNode)
      return this.validateType(this.evalVariableNode(dot, node, NO_ARGS), type);
    if (node instanceof PipeNode) return this.validateType(this.evalPipeline(dot, node), type);
    if (node instanceof IdentifierNode)
      return this.validateType(this.evalFunction(dot, node, node, single), type);
    if (node instanceof ChainNode) return this.validateType(this.evalChainNode(dot, node, NO_ARGS), type);
    return this.evalLiteralArg(type, node);
  }

  private evalLiteralArg(type: ParamType, node: Node): GoValue {
    if (type === 'any' || type === 'value') return this.evalLiteral(null, node);
    if (type === 'string' && node instanceof StringNode) return node.text;
    if (type === 'bool' && node instanceof BoolNode) return node.value;
    if (type === 'int' && node instanceof NumberNode && node.value.isInt) return node.value.int64;
    if (type === 'float64' && node instanceof NumberNode && node.value.isFloat) return node.value.float64;
    const expected = { string: 'string', bool: 'bool', int: 'integer', float64: 'float' }[type];
    return this.errorf(`expected ${expected}; found ${node.toString()}`);
  }
}

/** JS conveniences a function may return, mapped to Go values (undefined → nil, JS integers stay float64). */
function normalizeResult(v: GoValue | undefined): GoValue {
  return v === undefined ? null : v;
}

/** Go's Tree.ErrorContext: "parseName:line:byteColumn" and the node's text, truncated to 20 bytes. */
export function errorContext(tree: Tree, node: Node): [string, string] {
  const text = tree.text.slice(0, node.pos);
  const nl = text.lastIndexOf('\n');
  const col = nl < 0 ? byteLength(text) : byteLength(text.slice(nl + 1));
  const line = 1 + (text.match(/\n/g)?.length ?? 0);
  let context = node.toString();
  if (byteLength(context) > 20) context = `${[...context].slice(0, 20).join('')}...`;
  return [`${tree.parseName}:${line}:${col}`, context];
}
