/** Go's text/template.Template: a named template in a set sharing definitions, funcs and options. */
import { TemplateError } from './errors.js';
import { State, type ExecLimits, type ExecTemplate, type MissingKey } from './exec.js';
import { builtinFuncs } from './funcs.js';
import { isEmptyTree } from './nodes.js';
import { DEFAULT_MODE, Tree, type ParseMode } from './parser.js';
import { quoteGo } from './quote.js';
import { toGoFunc, type GoFunc, type GoValue } from './values.js';

export type FuncValue = GoFunc | ((...args: GoValue[]) => GoValue);
export type FuncMap = Record<string, FuncValue>;

export const DEFAULT_LIMITS: ExecLimits = {
  maxExecDepth: 100000,
  maxOutputLength: Number.POSITIVE_INFINITY,
  maxRangeIterations: Number.POSITIVE_INFINITY,
};

const BUILTINS = builtinFuncs();

/** State shared by every template of a set (Go's `common`). */
class Common {
  readonly templates = new Map<string, Template>();
  readonly funcs = new Map<string, GoFunc>();
  missingKey: MissingKey = 'default';
  limits: ExecLimits = { ...DEFAULT_LIMITS };
  mode: ParseMode = { ...DEFAULT_MODE };

  /** A copy sharing the (immutable) parse trees but not the template map. */
  copySettings(): Common {
    const c = new Common();
    for (const [name, fn] of this.funcs) c.funcs.set(name, fn);
    c.missingKey = this.missingKey;
    c.limits = { ...this.limits };
    c.mode = { ...this.mode };
    return c;
  }
}

export interface ParseOptions {
  delims?: [string, string];
  funcs?: FuncMap;
}

export class Template implements ExecTemplate {
  tree: Tree | null = null;
  private leftDelim = '';
  private rightDelim = '';

  constructor(
    readonly name: string,
    private readonly common: Common = new Common(),
  ) {}

  /** Convenience: a new template named `name` parsed from `text`. */
  static parse(name: string, text: string, opts: ParseOptions = {}): Template {
    const t = new Template(name);
    if (opts.delims) t.delims(opts.delims[0], opts.delims[1]);
    if (opts.funcs) t.funcs(opts.funcs);
    return t.parse(text);
  }

  /** A new template associated with this one (same set, delimiters, funcs and options). */
  new(name: string): Template {
    const t = new Template(name, this.common);
    t.leftDelim = this.leftDelim;
    t.rightDelim = this.rightDelim;
    return t;
  }

  /**
   * Go's Clone: a new set with the same templates, funcs and options; templates added to the
   * clone do not affect this set (Helm's tpl parses into a clone).
   */
  clone(): Template {
    const common = this.common.copySettings();
    const copy = (t: Template): Template => {
      const c = new Template(t.name, common).delims(t.leftDelim, t.rightDelim);
      c.tree = t.tree;
      return c;
    };
    const root = copy(this);
    for (const [name, t] of this.common.templates)
      common.templates.set(name, name === this.name ? root : copy(t));
    return root;
  }

  delims(left: string, right: string): this {
    this.leftDelim = left;
    this.rightDelim = right;
    return this;
  }

  funcs(map: FuncMap): this {
    for (const [name, fn] of Object.entries(map)) {
      if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name))
        throw new TemplateError(`function name ${quoteGo(name)} is not a valid identifier`);
      this.common.funcs.set(name, toGoFunc(name, fn));
    }
    return this;
  }

  /** Go's Option: "missingkey=default|invalid|zero|error". */
  option(...opts: string[]): this {
    for (const opt of opts) {
      const m = /^missingkey=(default|invalid|zero|error)$/.exec(opt);
      if (!m)
        throw new TemplateError(
          opt.startsWith('missingkey=') ? `unrecognized option: ${opt}` : `unrecognized option: ${opt}`,
        );
      this.common.missingKey = m[1] === 'invalid' ? 'default' : (m[1] as MissingKey);
    }
    return this;
  }

  /** Parse-mode switches (comments, function check, paren depth). */
  parseMode(mode: Partial<ParseMode>): this {
    this.common.mode = { ...this.common.mode, ...mode };
    return this;
  }

  /** Execution limits (template depth, output size, range iterations). */
  setLimits(limits: Partial<ExecLimits>): this {
    this.common.limits = { ...this.common.limits, ...limits };
    return this;
  }

  get missingKey(): MissingKey {
    return this.common.missingKey;
  }

  get limits(): ExecLimits {
    return this.common.limits;
  }

  /** Parses `text` as this template's body; {{define}}s join the set. Throws ParseError. */
  parse(text: string): this {
    const treeSet = new Map<string, Tree>();
    Tree.parse(this.name, text, {
      leftDelim: this.leftDelim,
      rightDelim: this.rightDelim,
      treeSet,
      hasFunction: (n) => this.common.funcs.has(n) || BUILTINS.has(n),
      mode: this.common.mode,
    });
    for (const [name, tree] of treeSet) this.addParseTree(name, tree);
    return this;
  }

  /** Associates a parse tree with `name` in the set; an empty tree never replaces a defined one. */
  addParseTree(name: string, tree: Tree): Template {
    const nt = name === this.name ? this : (this.common.templates.get(name) ?? this.new(name));
    const old = this.common.templates.get(name);
    if (old && isEmptyTree(tree.root) && old.tree) {
      if (!nt.tree) nt.tree = tree;
      return nt;
    }
    this.common.templates.set(name, nt);
    nt.tree = tree;
    return nt;
  }

  lookup(name: string): Template | undefined {
    return this.common.templates.get(name);
  }

  templates(): Template[] {
    return [...this.common.templates.values()];
  }

  /** Go's DefinedTemplates(): "; defined templates are: "a", "b"" or "". */
  definedTemplates(): string {
    const names = [...this.common.templates.values()].filter((t) => t.tree).map((t) => quoteGo(t.name));
    return names.length === 0 ? '' : `; defined templates are: ${names.join(', ')}`;
  }

  findFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined {
    const user = this.common.funcs.get(name);
    if (user) return { fn: user, builtin: false };
    const b = BUILTINS.get(name);
    return b ? { fn: b, builtin: true } : undefined;
  }

  /** Runs the template with `data` as dot and returns the output. Throws ExecError. */
  execute(data: GoValue): string {
    return new State(this, data).run(data);
  }

  /** Runs the associated template `name`. */
  executeTemplate(name: string, data: GoValue): string {
    const t = this.lookup(name);
    if (!t)
      throw new TemplateError(
        `template: no template ${quoteGo(name)} associated with template ${quoteGo(this.name)}`,
      );
    return t.execute(data);
  }
}
