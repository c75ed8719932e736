/**
 * Runs one vector of the Go text/template corpus format (../shared/conformance/helm/README.md):
 * the template set it describes is built, parsed and executed, and the actual result returned.
 * Judging a result against the vector's expectations is separate, so a corpus runner can record
 * what the engine did and still count passes.
 */
import { Template, type FuncMap } from './template.js';
import type { GoValue } from './values.js';
import { isEmptyTree } from './nodes.js';

export interface NamedText {
  name: string;
  text: string;
}

export interface TemplateVector {
  id: string;
  template: string;
  name?: string;
  data?: GoValue;
  expected?: string;
  error?: boolean;
  errorMessage?: string;
  errorContains?: string;
  errorSuffix?: string;
  options?: string[];
  delims?: [string, string];
  setup?: NamedText[];
  parseAfter?: string[];
  parseAfterNamed?: NamedText[];
  execute?: string;
  parseOnly?: boolean;
  parsed?: string;
  parseComments?: boolean;
  isEmpty?: boolean;
  definedTemplates?: Record<string, string>;
  tags?: string[];
  source?: string;
}

/** What the engine did with a vector: `output` or `error`, plus parse-tree facts for parseOnly vectors. */
export interface VectorResult {
  output?: string;
  error?: string;
  parsed?: string;
  isEmpty?: boolean;
  definedTemplates?: Record<string, string>;
}

export interface RunOptions {
  /** Functions beyond the builtins (Sprig, Helm's). */
  funcs?: FuncMap;
  /** Template name when the vector gives none (Go's tests use "main"; Sprig's and Helm's "test"). */
  defaultName?: string;
}

/** Tags of vectors that need Go-only features (complex numbers); the corpus README says to skip them. */
export const GO_ONLY_TAGS: ReadonlySet<string> = new Set(['complex']);

/**
 * Go's parse package tests run with its paren-nesting limit (maxStackDepth) lowered to 3; the
 * text/template tests use the default.
 */
const PARSE_PACKAGE_PAREN_DEPTH = 3;

export function isGoOnly(v: TemplateVector): boolean {
  return (v.tags ?? []).some((t) => GO_ONLY_TAGS.has(t));
}

function configure(root: Template, v: TemplateVector, options: RunOptions): void {
  if (options.funcs) root.funcs(options.funcs);
  if (v.delims) root.delims(v.delims[0], v.delims[1]);
  if (v.options) root.option(...v.options);
  if (v.parseComments) root.parseMode({ parseComments: true });
  if (v.source?.includes('parse/parse_test.go')) root.parseMode({ maxParenDepth: PARSE_PACKAGE_PAREN_DEPTH });
}

/** The set's root template name and the name the vector's own template is parsed as. */
function setNames(v: TemplateVector, options: RunOptions): { rootName: string; mainName: string } {
  const mainName = v.name ?? options.defaultName ?? 'main';
  return { rootName: v.setup?.[0]?.name ?? mainName, mainName };
}

function buildSet(v: TemplateVector, options: RunOptions): Template {
  const { rootName, mainName } = setNames(v, options);
  const root = new Template(rootName);
  configure(root, v, options);
  for (const s of v.setup ?? []) (s.name === rootName ? root : root.new(s.name)).parse(s.text);
  const main = mainName === rootName && !v.setup ? root : root.new(mainName);
  main.parse(v.template);
  for (const text of v.parseAfter ?? []) main.parse(text);
  for (const s of v.parseAfterNamed ?? []) main.new(s.name).parse(s.text);
  return main;
}

function parseFacts(v: TemplateVector, main: Template): VectorResult {
  const facts: VectorResult = {};
  const tree = main.tree;
  if (v.parsed !== undefined) facts.parsed = tree ? tree.root.write({ quoteText: true }) : '';
  if (v.isEmpty !== undefined) facts.isEmpty = isEmptyTree(tree?.root ?? null);
  if (v.definedTemplates !== undefined) {
    const defined: Record<string, string> = {};
    for (const t of main.templates())
      if (t.name !== main.name && t.tree) defined[t.name] = t.tree.root.toString();
    facts.definedTemplates = defined;
  }
  return facts;
}

/** Builds, parses and (unless parseOnly) executes the vector's template set. */
export function runTemplateVector(v: TemplateVector, options: RunOptions = {}): VectorResult {
  try {
    const main = buildSet(v, options);
    if (v.parseOnly) return { output: '', ...parseFacts(v, main) };
    const data = v.data ?? null;
    return { output: v.execute ? main.executeTemplate(v.execute, data) : main.execute(data) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The expected error fields of a vector (`errorMessage`, `errorContains`, `errorSuffix`). */
export interface ErrorExpectation {
  error?: boolean;
  errorMessage?: string;
  errorContains?: string;
  errorSuffix?: string;
}

/** Null when an error message meets the expectation, else what is wrong. */
export function judgeError(v: ErrorExpectation, message: string): string | null {
  if (!v.error) return `unexpected error: ${message}`;
  if (v.errorMessage !== undefined && message !== v.errorMessage) return `error message: ${message}`;
  if (v.errorContains !== undefined && !message.includes(v.errorContains)) return `error message: ${message}`;
  if (v.errorSuffix !== undefined && !message.endsWith(v.errorSuffix)) return `error message: ${message}`;
  return null;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Null when the result is what the vector expects, else a description of the difference. */
export function judgeTemplateVector(v: TemplateVector, r: VectorResult): string | null {
  if (r.error !== undefined) return judgeError(v, r.error);
  if (v.error) return `expected an error, got output ${JSON.stringify(r.output)}`;
  if (v.parseOnly) {
    if (v.parsed !== undefined && r.parsed !== v.parsed) return `parsed: got ${r.parsed}`;
    if (v.isEmpty !== undefined && r.isEmpty !== v.isEmpty) return `isEmpty: got ${r.isEmpty}`;
    if (v.definedTemplates !== undefined && !sameRecord(r.definedTemplates ?? {}, v.definedTemplates))
      return `definedTemplates: got ${JSON.stringify(r.definedTemplates)}`;
    return null;
  }
  return r.output === v.expected ? null : `output ${JSON.stringify(r.output)}`;
}
