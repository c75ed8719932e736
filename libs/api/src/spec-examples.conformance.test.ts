// Acceptance: every Flux object in ../shared (```yaml examples in spec/*.md, and every YAML file
// under fixtures/) validates against the schema of its version in the generated CRDs as committed
// in charts/flotilla/crds, with no field the schema does not know. Files a sibling kustomization.yaml uses as patches are partial
// objects by design, so they are checked without `required`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { CustomResourceDefinition } from './crd.js';
import { parseApiVersion } from './kind-registry.js';
import { validateAgainstCrd } from './validate.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const shared = resolve(repoRoot, '../shared');
const crdDir = join(repoRoot, 'charts/flotilla/crds');

/** The committed CRDs by `<group>/<kind>`. */
function committedCrds(): Map<string, CustomResourceDefinition> {
  const crds = new Map<string, CustomResourceDefinition>();
  if (!existsSync(crdDir)) return crds;
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseDocuments(readFileSync(join(crdDir, file), 'utf8'), file)) {
      const crd = doc as CustomResourceDefinition;
      crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd);
    }
  }
  return crds;
}

/** Flux API groups that have no CRD (the Event type is only a wire format). */
const GROUPS_WITHOUT_CRD = new Set(['event.toolkit.fluxcd.io']);

/**
 * Objects that are invalid per upstream Flux itself, with the reason. Each entry must still fail:
 * an entry that starts passing is reported so the list cannot go stale. Empty: every example
 * validates.
 */
const ALLOW_LIST: Record<string, string> = {};

interface Example {
  label: string;
  object: Record<string, unknown>;
  /** A strategic-merge patch document: only the fields it changes are present. */
  patch: boolean;
}

const isFluxObject = (doc: unknown): doc is Record<string, unknown> => {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const { apiVersion } = doc as Record<string, unknown>;
  if (typeof apiVersion !== 'string') return false;
  const { group } = parseApiVersion(apiVersion);
  return group.endsWith('.toolkit.fluxcd.io') && !GROUPS_WITHOUT_CRD.has(group);
};

function parseDocuments(text: string, where: string): unknown[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${where}#${i}: ${doc.errors[0]?.message ?? 'YAML error'}`);
    return doc.toJS() as unknown;
  });
}

function labelOf(where: string, index: number, obj: Record<string, unknown>): string {
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  const name = [metadata.namespace, metadata.name].filter(Boolean).join('/');
  return `${where}#${index} ${String(obj.apiVersion)} ${String(obj.kind)} ${name}`;
}

function specExamples(): Example[] {
  const dir = join(shared, 'spec');
  const examples: Example[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const blocks = [...text.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)];
    blocks.forEach((block, b) => {
      const where = `spec/${file} block ${b + 1}`;
      parseDocuments(block[1] ?? '', where).forEach((doc, i) => {
        if (isFluxObject(doc)) examples.push({ label: labelOf(where, i, doc), object: doc, patch: false });
      });
    });
  }
  return examples;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry)) out.push(path);
  }
  return out;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Paths a kustomize `kustomization.yaml` in `dir` applies as patches (relative to `dir`). */
function patchFilesOf(dir: string): Set<string> {
  const patches = new Set<string>();
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const config = parseDocuments(readFileSync(file, 'utf8'), file)[0] as Record<string, unknown> | null;
    if (
      !config ||
      (config.apiVersion !== undefined && !String(config.apiVersion).startsWith('kustomize.config.k8s.io/'))
    )
      continue;
    const entries = [
      ...((config.patches as { path?: string }[] | undefined) ?? []).map((p) => p.path),
      ...((config.patchesStrategicMerge as unknown[] | undefined) ?? []).filter((p) => typeof p === 'string'),
      ...((config.patchesJson6902 as { path?: string }[] | undefined) ?? []).map((p) => p.path),
    ];
    for (const entry of entries) if (typeof entry === 'string') patches.add(resolve(dir, entry));
  }
  return patches;
}

// Only files naming a Flux API group can hold Flux objects (chart templates are not YAML until rendered).
const FLUX_API_VERSION = /^\s*apiVersion:\s*["']?[a-z0-9.-]+\.toolkit\.fluxcd\.io\//m;

function fixtureExamples(): Example[] {
  const root = join(shared, 'fixtures');
  const examples: Example[] = [];
  const patchesByDir = new Map<string, Set<string>>();
  for (const file of yamlFiles(root)) {
    const text = readFileSync(file, 'utf8');
    if (!FLUX_API_VERSION.test(text)) continue;
    const dir = dirname(file);
    if (!patchesByDir.has(dir)) patchesByDir.set(dir, patchFilesOf(dir));
    const patch = patchesByDir.get(dir)?.has(file) ?? false;
    const where = `fixtures/${relative(root, file)}`;
    parseDocuments(text, where).forEach((doc, i) => {
      if (isFluxObject(doc)) examples.push({ label: labelOf(where, i, doc), object: doc, patch });
    });
  }
  return examples;
}

const crds = committedCrds();
const fromSpec = specExamples();
const fromFixtures = fixtureExamples();
const all = [...fromSpec, ...fromFixtures];

describe('Flux objects in ../shared validate against the generated CRDs', () => {
  it('finds the fixture objects (and reports how many of each kind)', () => {
    const counts = new Map<string, number>();
    for (const e of all)
      counts.set(
        `${String(e.object.apiVersion)} ${String(e.object.kind)}`,
        (counts.get(`${String(e.object.apiVersion)} ${String(e.object.kind)}`) ?? 0) + 1,
      );
    console.log(
      `${fromSpec.length} spec examples, ${fromFixtures.length} fixture objects ` +
        `(${all.filter((e) => e.patch).length} patches):\n` +
        [...counts].map(([k, n]) => `  ${n} × ${k}`).join('\n'),
    );
    expect(fromFixtures.length).toBeGreaterThan(0);
    for (const key of Object.keys(ALLOW_LIST)) expect(all.map((e) => e.label)).toContain(key);
  });

  it.each(all.map((e) => [e.label, e] as const))('%s', (_label, example) => {
    const { apiVersion, kind } = example.object;
    const crd = crds.get(`${parseApiVersion(String(apiVersion)).group}/${String(kind)}`);
    const result = crd
      ? validateAgainstCrd(example.object, crd, { ignoreRequired: example.patch })
      : undefined;
    const problems = result
      ? [...result.errors.map((e) => e.message), ...result.unknownFields.map((f) => `${f}: unknown field`)]
      : [`no CRD for ${String(kind)} in charts/flotilla/crds (run npm run generate -w @flotilla/api)`];
    const reason = ALLOW_LIST[example.label];
    if (reason) {
      expect(problems, `allow-listed (${reason}) but now valid: remove it from ALLOW_LIST`).not.toEqual([]);
      return;
    }
    expect(problems, `${example.label}${example.patch ? ' (patch)' : ''}`).toEqual([]);
  });
});
