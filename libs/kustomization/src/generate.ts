// kustomization.yaml handling (kustomize.md §3.1): find the file in `path` or generate one from
// the YAML files below it, then write the Kustomization's spec fields into it before building.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { replaceFile } from './artifact.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export class BuildInputError extends Error {
  readonly code = 'BUILD_INPUT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'BuildInputError';
  }
}

export interface BuildSpec {
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  patches?: { patch: string; target?: Record<string, unknown> }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  buildMetadata?: string[];
}

export function findKustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

function isManifestFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** Checks that a file is Kubernetes YAML: every document a mapping with apiVersion and kind. */
async function checkManifest(file: string, root: string): Promise<void> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'));
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0)
      throw new BuildInputError(
        `failed to decode Kubernetes YAML from ${relative(root, file)}: ${doc.errors[0]?.message ?? ''}`,
      );
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const obj = value as Record<string, unknown>;
    if (
      typeof obj !== 'object' ||
      Array.isArray(obj) ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.kind !== 'string'
    )
      throw new BuildInputError(
        `failed to decode Kubernetes YAML from ${relative(root, file)}: missing apiVersion or kind`,
      );
  }
}

async function collectResources(dir: string, base: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (findKustomizationFile(full)) out.push(`./${relative(base, full).split(sep).join('/')}`);
      else await collectResources(full, base, out);
    } else if (entry.isFile() && isManifestFile(entry.name)) {
      await checkManifest(full, base);
      out.push(`./${relative(base, full).split(sep).join('/')}`);
    }
  }
}

/** Writes a kustomization.yaml listing every manifest (and kustomization subdirectory) under `dir`. */
export async function generateKustomization(dir: string): Promise<string> {
  const resources: string[] = [];
  await collectResources(dir, dir, resources);
  const file = join(dir, 'kustomization.yaml');
  const doc = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  await replaceFile(file, stringify(doc));
  return file;
}

function mergeImages(existing: unknown, images: NonNullable<BuildSpec['images']>): Record<string, unknown>[] {
  const list = (Array.isArray(existing) ? existing : []) as Record<string, unknown>[];
  for (const image of images) {
    const found = list.find((i) => i.name === image.name);
    if (!found) {
      list.push({ ...image });
      continue;
    }
    if (image.newName) found.newName = image.newName;
    if (image.newTag || image.digest) {
      if (image.newTag) found.newTag = image.newTag;
      else delete found.newTag;
      if (image.digest) found.digest = image.digest;
      else delete found.digest;
    }
  }
  return list;
}

function components(dir: string, root: string, spec: BuildSpec): string[] {
  const out: string[] = [];
  for (const component of spec.components ?? []) {
    const full = resolve(dir, component);
    if (component.startsWith('/') || /^[a-z]+:\/\//i.test(component) || !full.startsWith(root))
      throw new BuildInputError(`component path '${component}' must be local and relative`);
    if (!existsSync(full) && spec.ignoreMissingComponents) continue;
    out.push(component);
  }
  return out;
}

function overlaySpec(doc: Record<string, unknown>, spec: BuildSpec, comps: string[]): void {
  if (spec.targetNamespace) doc.namespace = spec.targetNamespace;
  if (spec.namePrefix) doc.namePrefix = spec.namePrefix;
  if (spec.nameSuffix) doc.nameSuffix = spec.nameSuffix;
  if (spec.patches?.length) doc.patches = [...((doc.patches as unknown[]) ?? []), ...spec.patches];
  if (comps.length > 0) doc.components = [...((doc.components as unknown[]) ?? []), ...comps];
  if (spec.images?.length) doc.images = mergeImages(doc.images, spec.images);
  if (spec.buildMetadata?.length) doc.buildMetadata = spec.buildMetadata;
}

/** Finds or generates the kustomization file in `dir` and overlays the spec's fields onto it. */
export async function prepareKustomization(dir: string, root: string, spec: BuildSpec): Promise<void> {
  const file = findKustomizationFile(dir) ?? (await generateKustomization(dir));
  let doc: Record<string, unknown>;
  try {
    doc = (parse(await readFile(file, 'utf8')) as Record<string, unknown> | null) ?? {};
  } catch (error) {
    throw new BuildInputError(`failed to parse ${relative(root, file)}: ${(error as Error).message}`);
  }
  overlaySpec(doc, spec, components(dir, root, spec));
  await replaceFile(file, stringify(doc));
}
