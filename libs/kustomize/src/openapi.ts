// The `openapi` field: a custom schema (swagger `definitions` with x-kubernetes-group-version-kind)
// whose merge keys and strategies strategic merge patches of those kinds follow.
import { schemaFromOpenAPI, type TypeSchema } from '@flotilla/kube-patch';
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import type { LoadedKustomization } from './kustomization.js';
import { isObject, parseDocuments } from './yaml-io.js';

/** `$ref`s nest at most this deep; recursive definitions below it become untyped. */
const MAX_REF_DEPTH = 40;

export function loadOpenAPISchemas(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
  into: Map<string, TypeSchema>,
): void {
  const openapi = loaded.kustomization['openapi'];
  if (openapi === undefined || openapi === null) return;
  if (!isObject(openapi) || typeof openapi['path'] !== 'string') {
    throw new KustomizeError('UNSUPPORTED', "only 'openapi.path' is supported", files.relative(loaded.file));
  }
  const file = files.resolve(loaded.dir, openapi['path']);
  const source = files.relative(file);
  const [document] = parseDocuments(files.readText(file), source);
  const definitions = isObject(document) && isObject(document['definitions']) ? document['definitions'] : {};
  for (const definition of Object.values(definitions)) {
    if (!isObject(definition) || !Array.isArray(definition['x-kubernetes-group-version-kind'])) continue;
    const schema = schemaFromOpenAPI(inlineRefs(definition, definitions, 0));
    for (const gvk of definition['x-kubernetes-group-version-kind']) {
      if (!isObject(gvk)) continue;
      const group = typeof gvk['group'] === 'string' ? gvk['group'] : '';
      const apiVersion = group === '' ? String(gvk['version']) : `${group}/${String(gvk['version'])}`;
      into.set(`${apiVersion}/${String(gvk['kind'])}`, schema);
    }
  }
}

function inlineRefs(node: unknown, definitions: Record<string, unknown>, depth: number): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(item, definitions, depth));
  if (!isObject(node)) return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const target = definitions[ref.replace(/^#\/definitions\//, '')];
    return depth >= MAX_REF_DEPTH || target === undefined ? {} : inlineRefs(target, definitions, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, inlineRefs(value, definitions, depth)]),
  );
}
