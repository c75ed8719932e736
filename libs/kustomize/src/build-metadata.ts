// `buildMetadata` of the root kustomization: originAnnotations (config.kubernetes.io/origin),
// transformerAnnotations (alpha.config.kubernetes.io/transformations) and managedByLabel
// (app.kubernetes.io/managed-by), written as Go kustomize writes them. Only the root's list
// counts; bases' buildMetadata is ignored, as in kustomize.
import { stringify } from 'yaml';
import { KustomizeError } from './errors.js';
import type { LoadedKustomization } from './kustomization.js';
import { metadataOf, type KObject, type Origin, type PluginRef, type Resource } from './resource.js';
import { isObject } from './yaml-io.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/**
 * kubectl and Flux embed kustomize as a library, where kustomize's provenance has no release
 * version, so both write `kustomize-(devel)`.
 */
export const DEFAULT_MANAGED_BY = 'kustomize-(devel)';

const OPTIONS = ['originAnnotations', 'transformerAnnotations', 'managedByLabel'] as const;
type BuildMetadataOption = (typeof OPTIONS)[number];

export function buildMetadataOptions(loaded: LoadedKustomization, file: string): Set<BuildMetadataOption> {
  const value = loaded.kustomization['buildMetadata'];
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value)) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', "'buildMetadata' must be a list", file);
  }
  const result = new Set<BuildMetadataOption>();
  for (const entry of value) {
    if (!OPTIONS.includes(entry as BuildMetadataOption)) {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `buildMetadata option '${String(entry)}' must be one of ${OPTIONS.join(', ')}`,
        file,
      );
    }
    result.add(entry as BuildMetadataOption);
  }
  return result;
}

export function applyBuildMetadata(
  resources: readonly Resource[],
  options: ReadonlySet<BuildMetadataOption>,
  managedBy: string,
): void {
  for (const resource of resources) {
    if (options.has('originAnnotations') && resource.origin !== undefined) {
      setAnnotation(resource.object, ORIGIN_ANNOTATION, stringifyBlock(originYaml(resource.origin)));
    }
    if (options.has('transformerAnnotations') && (resource.transformations?.length ?? 0) > 0) {
      const records = (resource.transformations ?? []).map((record) => ({
        configuredIn: record.configuredIn,
        configuredBy: pluginYaml(record.configuredBy),
      }));
      setAnnotation(resource.object, TRANSFORMATIONS_ANNOTATION, stringifyBlock(records));
    }
    if (options.has('managedByLabel')) {
      const metadata = metadataOf(resource.object);
      const labels = isObject(metadata['labels']) ? metadata['labels'] : {};
      metadata['labels'] = { ...labels, [MANAGED_BY_LABEL]: managedBy };
    }
  }
}

/** Go's Origin field order: path, repo, ref, configuredIn, configuredBy. */
function originYaml(origin: Origin): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (origin.path !== undefined) result['path'] = origin.path;
  if (origin.repo !== undefined) result['repo'] = origin.repo;
  if (origin.ref !== undefined) result['ref'] = origin.ref;
  if (origin.configuredIn !== undefined) result['configuredIn'] = origin.configuredIn;
  if (origin.configuredBy !== undefined) result['configuredBy'] = pluginYaml(origin.configuredBy);
  return result;
}

function pluginYaml(ref: PluginRef): Record<string, unknown> {
  const result: Record<string, unknown> = { apiVersion: ref.apiVersion, kind: ref.kind };
  if (ref.name !== undefined && ref.name !== '') result['name'] = ref.name;
  if (ref.namespace !== undefined && ref.namespace !== '') result['namespace'] = ref.namespace;
  return result;
}

function stringifyBlock(value: unknown): string {
  return stringify(value, { indentSeq: false, lineWidth: 0 });
}

function setAnnotation(object: KObject, key: string, value: string): void {
  const metadata = metadataOf(object);
  const annotations = isObject(metadata['annotations']) ? metadata['annotations'] : {};
  metadata['annotations'] = { ...annotations, [key]: value };
}
