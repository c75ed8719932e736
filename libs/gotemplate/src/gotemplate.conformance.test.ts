/**
 * Runs Go's own text/template test tables (../shared/conformance/helm/gotemplate.json) against this
 * package. Only under vitest.conformance.config.ts; the corpus is never copied into the project.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Template, fromJSON, type GoValue } from './index.js';
import { isEmptyTree } from './nodes.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/conformance/helm/gotemplate.json');
/**
 * Go's parse package tests run with its paren-nesting limit (maxStackDepth) lowered to 3; the
 * text/template tests use the default.
 */
const PARSE_PACKAGE_PAREN_DEPTH = 3;
/** Tags of vectors that need Go-only features (complex numbers) — the corpus README says to skip them. */
const GO_ONLY_TAGS = new Set(['complex']);
/** Measured pass count; raise it when more vectors pass so regressions fail. */
const PASS_FLOOR = 343;

interface NamedText {
  name: string;
  text: string;
}

interface Vector {
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

function configure(root: Template, v: Vector): void {
  if (v.delims) root.delims(v.delims[0], v.delims[1]);
  if (v.options) root.option(...v.options);
  if (v.parseComments) root.parseMode({ parseComments: true });
  if (v.source?.includes('parse/parse_test.go')) root.parseMode({ maxParenDepth: PARSE_PACKAGE_PAREN_DEPTH });
}

function buildSet(v: Vector): Template {
  const rootName = v.setup?.[0]?.name ?? v.name ?? 'main';
  const root = new Template(rootName);
  configure(root, v);
  for (const s of v.setup ?? []) (s.name === rootName ? root : root.new(s.name)).parse(s.text);
  const mainName = v.name ?? 'main';
  const main = mainName === rootName && !v.setup ? root : root.new(mainName);
  main.parse(v.template);
  for (const text of v.parseAfter ?? []) main.parse(text);
  for (const s of v.parseAfterNamed ?? []) main.new(s.name).parse(s.text);
  return main;
}

function checkParsed(v: Vector, main: Template): string | null {
  const tree = main.tree;
  if (v.parsed !== undefined) {
    const got = tree ? tree.root.write({ quoteText: true }) : '';
    if (got !== v.parsed) return `parsed: got ${got}`;
  }
  if (v.isEmpty !== undefined && isEmptyTree(tree?.root ?? null) !== v.isEmpty)
    return `isEmpty: got ${!v.isEmpty}`;
  if (v.definedTemplates) {
    const got: Record<string, string> = {};
    for (const t of main.templates())
      if (t.name !== main.name && t.tree) got[t.name] = t.tree.root.toString();
    if (
      JSON.stringify(got, Object.keys(got).sort()) !==
      JSON.stringify(v.definedTemplates, Object.keys(v.definedTemplates).sort())
    ) {
      return `definedTemplates: got ${JSON.stringify(got)}`;
    }
  }
  return null;
}

function checkError(v: Vector, msg: string): string | null {
  if (!v.error) return `unexpected error: ${msg}`;
  if (v.errorMessage !== undefined && msg !== v.errorMessage) return `error message: ${msg}`;
  if (v.errorContains !== undefined && !msg.includes(v.errorContains)) return `error message: ${msg}`;
  if (v.errorSuffix !== undefined && !msg.endsWith(v.errorSuffix)) return `error message: ${msg}`;
  return null;
}

function render(v: Vector, main: Template): string {
  if (v.parseOnly) return '';
  return v.execute ? main.executeTemplate(v.execute, v.data ?? null) : main.execute(v.data ?? null);
}

/** Runs one vector; returns null on pass or a failure description. */
function runVector(v: Vector): string | null {
  let output: string;
  let main: Template;
  try {
    main = buildSet(v);
    output = render(v, main);
  } catch (e) {
    return checkError(v, (e as Error).message);
  }
  if (v.error) return `expected an error, got output ${JSON.stringify(output)}`;
  if (v.parseOnly) return checkParsed(v, main);
  return output === v.expected ? null : `output ${JSON.stringify(output)}`;
}

describe('gotemplate.json conformance', () => {
  it(`passes at least ${PASS_FLOOR} vectors`, () => {
    const corpus = fromJSON(readFileSync(CORPUS, 'utf8')) as unknown as { vectors: Vector[] };
    const vectors = corpus.vectors.filter((v) => !(v.tags ?? []).some((t) => GO_ONLY_TAGS.has(t)));
    const failures = new Map<string, string[]>();
    let passed = 0;
    for (const v of vectors) {
      const failure = runVector(v);
      if (failure === null) {
        passed++;
        continue;
      }
      const category = v.id.split('/')[0] as string;
      failures.set(category, [...(failures.get(category) ?? []), `${v.id}: ${failure}`]);
    }
    console.log(
      `gotemplate.json: ${passed}/${vectors.length} passed (${corpus.vectors.length - vectors.length} skipped as Go-only)`,
    );
    for (const [category, list] of failures)
      console.log(`  ${category}: ${list.length} failing\n    ${list.join('\n    ')}`);
    expect(passed).toBeGreaterThanOrEqual(PASS_FLOOR);
  });
});
