// Generates src/generated/builtin-schemas.ts from the Kubernetes OpenAPI definitions that kustomize
// bundles (shared/spec/k8s-openapi-v1.21.2.json, a sibling of the repository root). Run by hand with
// `npm run generate -w @flotilla/kube-patch`; builtin-schemas.conformance.test.ts regenerates in memory
// and fails when the committed module is stale.
//
// Only what patching needs survives: per definition its fields' types, list strategies (SMP patch
// strategy and merge key, SSA list type and map keys) and map types, plus an apiVersion/kind index.
// Each definition is one compact JSON string; src/builtin-schemas.ts documents and decodes the format.

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageRoot, '../..');

export const SPEC_PATH = resolve(repoRoot, '../shared/spec/k8s-openapi-v1.21.2.json');
export const OUTPUT_PATH = join(packageRoot, 'src/generated/builtin-schemas.ts');

const REF_PREFIX = '#/definitions/';

// Server-side apply topology that kube-api.md §4 states for built-ins. Kubernetes derives it from the
// OpenAPI extensions (x-kubernetes-list-type first; otherwise patch strategy "merge" with a merge key
// is a map keyed by it, "merge" without one is a set, anything else is atomic). The derivation below
// already yields these for v1.21.2; pinning them keeps the contract if the source document changes.
const SSA_TOPOLOGY_PINS = [
  ['core.v1.Container', 'ports', 'map', ['containerPort', 'protocol']],
  ['core.v1.ServiceSpec', 'ports', 'map', ['port', 'protocol']],
  ['meta.v1.ObjectMeta', 'ownerReferences', 'map', ['uid']],
  ['meta.v1.ObjectMeta', 'finalizers', 'set', []],
  ['core.v1.Container', 'args', 'atomic', []],
  ['core.v1.Container', 'command', 'atomic', []],
  ['core.v1.PodSpec', 'tolerations', 'atomic', []],
  ['rbac.v1.Role', 'rules', 'atomic', []],
  ['rbac.v1.ClusterRole', 'rules', 'atomic', []],
  ['rbac.v1.RoleBinding', 'subjects', 'atomic', []],
  ['rbac.v1.ClusterRoleBinding', 'subjects', 'atomic', []],
];

// List-map key fields that the API server defaults (`// +default="TCP"` on the Go types), so an
// applied port without `protocol` still identifies the defaulted live item.
const LIST_KEY_DEFAULTS = { protocol: 'TCP' };

/** Short, unique definition names: `io.k8s.api.apps.v1.Deployment` → `apps.v1.Deployment`. */
export function shortName(definitionName) {
  return definitionName
    .replace(/^io\.k8s\./, '')
    .replace(/^api\./, '')
    .replace(/^[a-z-]+\.pkg\.apis\./, '')
    .replace(/^apimachinery\.pkg\./, '');
}

function refTarget(ref) {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** Definitions that are not structs are inlined where referenced: scalars and untyped values. */
function inlineCode(definition) {
  if (definition.properties) return undefined;
  if (definition.type === 'string') return definition.format === 'int-or-string' ? 'x' : 's';
  if (definition.type === 'integer') return 'i';
  if (definition.type === 'number') return 'n';
  if (definition.type === 'boolean') return 'b';
  if (definition.additionalProperties) return undefined;
  return '*';
}

function scalarCode(schema) {
  switch (schema.type) {
    case 'string':
      return schema.format === 'int-or-string' ? 'x' : 's';
    case 'integer':
      return 'i';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    default:
      return '*';
  }
}

class Compactor {
  constructor(spec) {
    this.definitions = spec.definitions;
    this.reachable = new Set();
    this.pending = [];
  }

  reference(definitionName) {
    const definition = this.definitions[definitionName];
    if (!definition) throw new Error(`dangling $ref to ${definitionName}`);
    const inline = inlineCode(definition);
    if (inline) return inline;
    if (!this.reachable.has(definitionName)) {
      this.reachable.add(definitionName);
      this.pending.push(definitionName);
    }
    return `@${shortName(definitionName)}`;
  }

  type(schema) {
    const strategy = schema['x-kubernetes-patch-strategy'];
    if (schema.$ref) {
      const ref = this.reference(refTarget(schema.$ref));
      return strategy && ref.startsWith('@') ? { r: ref, ps: strategy } : ref;
    }
    if (schema.type === 'array') return this.list(schema);
    if (
      schema.type === 'object' &&
      schema.additionalProperties &&
      typeof schema.additionalProperties === 'object'
    ) {
      const mapType = schema['x-kubernetes-map-type'];
      return { m: this.type(schema.additionalProperties), ...(mapType ? { mt: mapType } : {}) };
    }
    if (schema.type === 'object' && schema.properties)
      throw new Error('inline struct properties are not expected');
    return scalarCode(schema);
  }

  list(schema) {
    const strategy = schema['x-kubernetes-patch-strategy'];
    const mergeKey = schema['x-kubernetes-patch-merge-key'];
    const merges = typeof strategy === 'string' && strategy.split(',').includes('merge');
    let listType = schema['x-kubernetes-list-type'];
    let keys = schema['x-kubernetes-list-map-keys'] ?? [];
    if (!listType) {
      listType = merges ? (mergeKey ? 'map' : 'set') : 'atomic';
      keys = listType === 'map' ? [mergeKey] : [];
    }
    return this.listCode({ items: this.type(schema.items), listType, keys, strategy, mergeKey });
  }

  listCode({ items, listType, keys, strategy, mergeKey }) {
    const defaults = Object.fromEntries(
      keys.filter((key) => key in LIST_KEY_DEFAULTS).map((key) => [key, LIST_KEY_DEFAULTS[key]]),
    );
    return {
      l: items,
      lt: listType,
      ...(keys.length > 0 ? { lk: keys } : {}),
      ...(strategy ? { ps: strategy } : {}),
      ...(mergeKey ? { mk: mergeKey } : {}),
      ...(Object.keys(defaults).length > 0 ? { kd: defaults } : {}),
    };
  }

  definition(definitionName) {
    const definition = this.definitions[definitionName];
    const fields = {};
    for (const [field, schema] of Object.entries(definition.properties ?? {}))
      fields[field] = this.type(schema);
    const mapType = definition['x-kubernetes-map-type'];
    if (definition.additionalProperties)
      throw new Error(`${definitionName}: struct with additionalProperties`);
    return { f: fields, ...(mapType ? { mt: mapType } : {}) };
  }
}

function pinTopology(compactor, compacted) {
  for (const [definition, field, listType, keys] of SSA_TOPOLOGY_PINS) {
    const fields = compacted.get(definition)?.f;
    const list = fields?.[field];
    if (!list || typeof list !== 'object' || !('l' in list)) {
      throw new Error(`kube-api.md pins ${definition}.${field}, which is not a list in the source`);
    }
    fields[field] = compactor.listCode({
      items: list.l,
      listType,
      keys,
      strategy: list.ps,
      mergeKey: list.mk,
    });
  }
}

/**
 * Kinds worth indexing: every x-kubernetes-group-version-kind except the generic meta/v1 transport
 * types (DeleteOptions, WatchEvent) that claim a kind in every group.
 */
function kindIndex(spec) {
  const kinds = new Map();
  for (const [name, definition] of Object.entries(spec.definitions)) {
    const gvks = definition['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.length !== 1) continue;
    const [{ group, version, kind }] = gvks;
    kinds.set(`${group ? `${group}/` : ''}${version}/${kind}`, name);
  }
  return new Map([...kinds].sort(([a], [b]) => a.localeCompare(b)));
}

/** The compact model: apiVersion/kind → definition, definition → compact object. */
export function compactSchemas(spec) {
  const compactor = new Compactor(spec);
  const kinds = new Map();
  for (const [gvk, definitionName] of kindIndex(spec)) {
    kinds.set(gvk, compactor.reference(definitionName).slice(1));
  }
  const compacted = new Map();
  while (compactor.pending.length > 0) {
    const definitionName = compactor.pending.shift();
    compacted.set(shortName(definitionName), compactor.definition(definitionName));
  }
  const shortNames = new Set();
  for (const definitionName of compactor.reachable) {
    const short = shortName(definitionName);
    if (shortNames.has(short)) throw new Error(`short name ${short} is not unique`);
    shortNames.add(short);
  }
  pinTopology(compactor, compacted);
  const definitions = new Map([...compacted].sort(([a], [b]) => a.localeCompare(b)));
  return { kinds, definitions };
}

function quote(text) {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Renders the module source, formatted with the repository's Prettier settings. */
export async function renderBuiltinSchemas(spec) {
  const { kinds, definitions } = compactSchemas(spec);
  const kindLines = [...kinds].map(([gvk, definition]) => `  ${quote(gvk)}: ${quote(definition)},`);
  const definitionLines = [...definitions].map(
    ([name, compact]) => `  ${quote(name)}: ${quote(JSON.stringify(compact))},`,
  );
  const source = [
    '// Generated by scripts/generate-schema.mjs from shared/spec/k8s-openapi-v1.21.2.json (Kubernetes',
    '// v1.21.2 OpenAPI definitions as bundled by kustomize v5). Do not edit by hand: run',
    '// `npm run generate -w @flotilla/kube-patch`; builtin-schemas.conformance.test.ts fails when stale.',
    '// Definition format: see src/builtin-schemas.ts.',
    '',
    `export const BUILTIN_SCHEMA_SOURCE = ${quote(String(spec.about ?? 'Kubernetes OpenAPI definitions').split(';')[0] ?? '')};`,
    '',
    '/** `<apiVersion>/<kind>` → definition name. */',
    'export const BUILTIN_KINDS: Readonly<Record<string, string>> = {',
    ...kindLines,
    '};',
    '',
    '/** Definition name → compact JSON definition. */',
    'export const BUILTIN_DEFINITIONS: Readonly<Record<string, string>> = {',
    ...definitionLines,
    '};',
    '',
  ].join('\n');
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(OUTPUT_PATH)) ?? {};
  return prettier.format(source, { ...options, parser: 'typescript' });
}

export async function readSpec(path = SPEC_PATH) {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function main() {
  const rendered = await renderBuiltinSchemas(await readSpec());
  await writeFile(OUTPUT_PATH, rendered);
  process.stdout.write(`wrote ${OUTPUT_PATH} (${rendered.length} bytes)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
