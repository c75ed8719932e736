// The `images` transformer: rewrites container images by name (kustomize's legacy image filter
// finds `containers`/`initContainers` anywhere in the object).
import { updateFields, type FieldSpec } from './field-specs.js';
import type { Resource } from './resource.js';
import { isObject } from './yaml-io.js';

export interface ImageOverride {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const at = image.indexOf('@');
  const digest = at < 0 ? '' : image.slice(at + 1);
  const withoutDigest = at < 0 ? image : image.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  return {
    name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: hasTag ? withoutDigest.slice(colon + 1) : '',
    digest,
  };
}

export function rewriteImage(image: string, override: ImageOverride): string | undefined {
  const parts = splitImage(image);
  if (parts.name !== override.name) return undefined;
  let { tag, digest } = parts;
  // Overriding the tag or the digest replaces both original values.
  if (override.newTag || override.digest) {
    tag = override.newTag ?? '';
    digest = override.digest ?? '';
  }
  const name = override.newName || parts.name;
  return `${name}${tag === '' ? '' : `:${tag}`}${digest === '' ? '' : `@${digest}`}`;
}

export function setImages(
  resources: readonly Resource[],
  overrides: readonly ImageOverride[],
  extraSpecs: readonly FieldSpec[] = [],
): void {
  if (overrides.length === 0) return;
  for (const resource of resources) {
    visit(resource.object, overrides);
    updateFields(resource.object, extraSpecs, (value) => {
      if (typeof value !== 'string') return undefined;
      for (const override of overrides) {
        const rewritten = rewriteImage(value, override);
        if (rewritten !== undefined) return rewritten;
      }
      return undefined;
    });
  }
}

function visit(node: unknown, overrides: readonly ImageOverride[]): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, overrides);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (CONTAINER_LISTS.has(key) && Array.isArray(value)) {
      for (const container of value) if (isObject(container)) rewriteContainer(container, overrides);
    }
    visit(value, overrides);
  }
}

function rewriteContainer(container: Record<string, unknown>, overrides: readonly ImageOverride[]): void {
  const image = container['image'];
  if (typeof image !== 'string') return;
  for (const override of overrides) {
    const rewritten = rewriteImage(image, override);
    if (rewritten !== undefined) {
      container['image'] = rewritten;
      return;
    }
  }
}
