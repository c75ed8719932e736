// The `crds` field: OpenAPI definition files (kube-openapi's `{"<pkg>.<Kind>": {"Schema": …}}`,
// JSON or YAML) whose x-kubernetes-* extensions add transformer configuration, as Go kustomize's
// LoadConfigFromCRDs does:
//   x-kubernetes-annotation        → commonAnnotations field
//   x-kubernetes-label-selector    → commonLabels field
//   x-kubernetes-identity          → namePrefix field
//   x-kubernetes-object-ref-kind / -api-version (+ -name-key) → a name reference
// Like Go kustomize, these files do not change strategic merge (lists of such kinds are still
// replaced by patches); a CustomResourceDefinition manifest is not such a file and is refused.
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './field-specs.js';
import type { ConfinedFiles } from './files.js';
import { stringList, type LoadedKustomization } from './kustomization.js';
import type { NameReferenceRule } from './name-reference-config.js';
import {
  mergeTransformerConfig,
  emptyTransformerConfig,
  type TransformerConfig,
} from './transformer-config.js';
import { isObject, parseDocuments } from './yaml-io.js';

type Definitions = Record<string, Record<string, unknown>>;

/** `$ref` chains deeper than this are cut (recursive types). */
const MAX_REF_DEPTH = 32;

export function loadCrds(files: ConfinedFiles, loaded: LoadedKustomization, into: TransformerConfig): void {
  for (const entry of stringList(loaded, 'crds')) {
    const file = files.resolve(loaded.dir, entry);
    const source = files.relative(file);
    const definitions = readDefinitions(files.readText(file), source, entry);
    const config = emptyTransformerConfig();
    for (const [typeName, definition] of Object.entries(definitions)) {
      const properties = propertiesOf(definition);
      if (!['kind', 'apiVersion', 'metadata'].every((key) => key in properties)) continue;
      const kind = typeName.split('.').pop() ?? typeName;
      collect(config, { kind, definitions }, typeName, [], 0);
    }
    mergeTransformerConfig(into, config);
  }
}

function readDefinitions(text: string, source: string, entry: string): Definitions {
  const [document] = parseDocuments(text, source);
  const fail = (why: string): never => {
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      `unable to parse open API definition from '${entry}': ${why}`,
      source,
    );
  };
  if (!isObject(document)) return fail('expected a mapping of type names to definitions');
  for (const [name, value] of Object.entries(document)) {
    if (!isObject(value))
      fail(`'${name}' is not an OpenAPI definition (a CustomResourceDefinition manifest?)`);
  }
  return document as Definitions;
}

function propertiesOf(definition: Record<string, unknown> | undefined): Record<string, unknown> {
  const schema = definition?.['Schema'] ?? definition?.['schema'];
  return isObject(schema) && isObject(schema['properties']) ? schema['properties'] : {};
}

interface CrdContext {
  readonly kind: string;
  readonly definitions: Definitions;
}

function collect(
  config: TransformerConfig,
  context: CrdContext,
  typeName: string,
  path: readonly string[],
  depth: number,
): void {
  if (depth > MAX_REF_DEPTH) return;
  for (const [name, property] of Object.entries(propertiesOf(context.definitions[typeName]))) {
    if (!isObject(property)) continue;
    const fieldPath = [...path, name];
    const spec: FieldSpec = { kind: context.kind, path: fieldPath.join('/') };
    if ('x-kubernetes-annotation' in property) config.commonAnnotations.push(spec);
    if ('x-kubernetes-label-selector' in property) config.commonLabels.push(spec);
    if ('x-kubernetes-identity' in property) config.namePrefix.push(spec);
    const refKind = property['x-kubernetes-object-ref-kind'];
    if (typeof property['x-kubernetes-object-ref-api-version'] === 'string' && typeof refKind === 'string') {
      const nameKey = property['x-kubernetes-object-ref-name-key'];
      config.nameReference.push(referenceRule(refKind, context.kind, fieldPath, nameKey));
    }
    const ref = property['$ref'];
    if (typeof ref === 'string') collect(config, context, ref, fieldPath, depth + 1);
  }
}

function referenceRule(
  refKind: string,
  kind: string,
  fieldPath: readonly string[],
  nameKey: unknown,
): NameReferenceRule {
  return {
    kind: refKind,
    referrers: [
      { kind, path: fieldPath.join('/'), nameField: typeof nameKey === 'string' ? nameKey : 'name' },
    ],
  };
}
