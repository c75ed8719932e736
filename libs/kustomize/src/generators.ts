// configMapGenerator / secretGenerator: data from literals, files and env files, generator
// options, and the create/merge/replace behaviours against resources already accumulated.
import path from 'node:path';
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { toStringMap } from './kustomization.js';
import {
  kindOf,
  metadataOf,
  nameOf,
  namespaceOf,
  newResource,
  type KObject,
  type Resource,
} from './resource.js';
import { isObject } from './yaml-io.js';

export interface GeneratorContext {
  readonly files: ConfinedFiles;
  readonly dir: string;
  readonly file: string;
  /** `generatorOptions` of the kustomization. */
  readonly options: Record<string, unknown>;
}

interface GeneratedData {
  data: Record<string, string>;
  binaryData: Record<string, string>;
}

export function generate(
  kind: 'ConfigMap' | 'Secret',
  spec: Record<string, unknown>,
  context: GeneratorContext,
): Resource {
  const name = typeof spec['name'] === 'string' ? spec['name'] : '';
  if (name === '') {
    throw new KustomizeError('GENERATOR_FAILED', `a ${kind} generator needs a name`, context.file);
  }
  const local = isObject(spec['options']) ? spec['options'] : {};
  const object: KObject = { apiVersion: 'v1', kind, metadata: generatedMetadata(name, spec, local, context) };
  setGeneratedData(object, kind, spec, collectData(spec, context));
  if ((local['immutable'] ?? context.options['immutable']) === true) object['immutable'] = true;
  const resource = newResource(object);
  const disabled = local['disableNameSuffixHash'] ?? context.options['disableNameSuffixHash'];
  resource.generated = { hashSuffix: disabled !== true };
  return resource;
}

function generatedMetadata(
  name: string,
  spec: Record<string, unknown>,
  local: Record<string, unknown>,
  context: GeneratorContext,
): KObject {
  const metadata: KObject = { name };
  if (typeof spec['namespace'] === 'string' && spec['namespace'] !== '') {
    metadata['namespace'] = spec['namespace'];
  }
  for (const field of ['labels', 'annotations']) {
    const merged = { ...toStringMap(context.options[field]), ...toStringMap(local[field]) };
    if (Object.keys(merged).length > 0) metadata[field] = merged;
  }
  return metadata;
}

function setGeneratedData(
  object: KObject,
  kind: 'ConfigMap' | 'Secret',
  spec: Record<string, unknown>,
  content: GeneratedData,
): void {
  if (kind === 'Secret') {
    object['type'] = typeof spec['type'] === 'string' && spec['type'] !== '' ? spec['type'] : 'Opaque';
    const all = {
      ...mapValues(content.data, (value) => encodeBase64(Buffer.from(value, 'utf8'))),
      ...content.binaryData,
    };
    if (Object.keys(all).length > 0) object['data'] = all;
    return;
  }
  if (Object.keys(content.data).length > 0) object['data'] = content.data;
  if (Object.keys(content.binaryData).length > 0) object['binaryData'] = content.binaryData;
}

const BASE64_LINE_LENGTH = 70;

/** Base64 as kustomize writes it: lines of 70 characters, each ending in a newline, once it is that long. */
export function encodeBase64(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  if (encoded.length < BASE64_LINE_LENGTH) return encoded;
  const lines: string[] = [];
  for (let index = 0; index < encoded.length; index += BASE64_LINE_LENGTH) {
    lines.push(`${encoded.slice(index, index + BASE64_LINE_LENGTH)}\n`);
  }
  return lines.join('');
}

function mapValues(
  map: Record<string, string>,
  transform: (value: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, transform(value)]));
}

function collectData(spec: Record<string, unknown>, context: GeneratorContext): GeneratedData {
  const result: GeneratedData = { data: {}, binaryData: {} };
  const envs = [...strings(spec['envs']), ...strings(spec['env'])];
  for (const env of envs) {
    const text = context.files.readText(context.files.resolve(context.dir, env));
    for (const [key, value] of parseEnvFile(text, env)) addEntry(result.data, key, value, context.file);
  }
  for (const literal of strings(spec['literals'])) {
    const [key, value] = parseLiteral(literal, context.file);
    addEntry(result.data, key, value, context.file);
  }
  for (const source of strings(spec['files'])) addFile(result, source, context);
  return result;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map((item) => String(item)) : [];
}

function addEntry(map: Record<string, string>, key: string, value: string, file: string): void {
  if (key in map) throw new KustomizeError('GENERATOR_FAILED', `duplicate key '${key}' in generator`, file);
  map[key] = value;
}

/** `KEY=VALUE` literals; matching surrounding quotes are removed from the value. */
export function parseLiteral(literal: string, file: string): [string, string] {
  const equals = literal.indexOf('=');
  if (equals <= 0)
    throw new KustomizeError('GENERATOR_FAILED', `invalid literal '${literal}' (want KEY=VALUE)`, file);
  let value = literal.slice(equals + 1);
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]))
    value = value.slice(1, -1);
  return [literal.slice(0, equals), value];
}

/**
 * Env files: `KEY=VALUE` lines; blank lines and `#` comments are skipped. A bare `KEY` would take
 * the value from kustomize's process environment; the engine never exposes its own, so it is "".
 */
export function parseEnvFile(text: string, source: string): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals === 0)
      throw new KustomizeError('GENERATOR_FAILED', `invalid env line '${line}' (no key)`, source);
    entries.push(equals < 0 ? [line.trimEnd(), ''] : [line.slice(0, equals), line.slice(equals + 1)]);
  }
  return entries;
}

function addFile(result: GeneratedData, source: string, context: GeneratorContext): void {
  const equals = source.indexOf('=');
  const key = equals < 0 ? path.basename(source) : source.slice(0, equals);
  const filePath = equals < 0 ? source : source.slice(equals + 1);
  const resolved = context.files.resolve(context.dir, filePath);
  if (context.files.isDirectory(resolved)) {
    throw new KustomizeError('GENERATOR_FAILED', `'${filePath}' is a directory`, context.file);
  }
  const bytes = context.files.readBytes(resolved);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (Buffer.from(text, 'utf8').equals(bytes)) addEntry(result.data, key, text, context.file);
  else addEntry(result.binaryData, key, encodeBase64(bytes), context.file);
}

/** Resources by kind and every (name, namespace) they had, for generators' merge/replace lookups. */
export type GeneratedIndex = Map<string, Resource>;

function generatedKey(kind: string, name: string, namespace: string): string {
  return `${kind}\u0000${name}\u0000${namespace}`;
}

export function indexForGenerators(resources: readonly Resource[]): GeneratedIndex {
  const index: GeneratedIndex = new Map();
  for (const resource of resources) addToIndex(index, resource);
  return index;
}

function addToIndex(index: GeneratedIndex, resource: Resource): void {
  for (const entry of resource.history) {
    const key = generatedKey(kindOf(resource.object), entry.name, entry.namespace);
    if (!index.has(key)) index.set(key, resource);
  }
}

/** Adds a generated resource, merging into or replacing an existing one as `behavior` asks. */
export function addGenerated(
  resources: Resource[],
  generated: Resource,
  behavior: string,
  file: string,
  index: GeneratedIndex = indexForGenerators(resources),
): void {
  const { object } = generated;
  const existing = index.get(generatedKey(kindOf(object), nameOf(object), namespaceOf(object)));
  if (behavior === 'create' || behavior === '') {
    if (existing !== undefined) {
      throw new KustomizeError(
        'DUPLICATE_ID',
        `generator would create a duplicate ${kindOf(generated.object)} ${nameOf(generated.object)}`,
        file,
      );
    }
    resources.push(generated);
    addToIndex(index, generated);
    return;
  }
  if (existing === undefined) {
    throw new KustomizeError(
      'GENERATOR_FAILED',
      `no ${kindOf(generated.object)} ${nameOf(generated.object)} to ${behavior}`,
      file,
    );
  }
  if (behavior !== 'merge' && behavior !== 'replace') {
    throw new KustomizeError('GENERATOR_FAILED', `unknown generator behavior '${behavior}'`, file);
  }
  mergeInto(existing, generated, behavior);
}

function mergeInto(existing: Resource, generated: Resource, behavior: 'merge' | 'replace'): void {
  const target = existing.object;
  for (const field of ['data', 'binaryData']) {
    const incoming = generated.object[field];
    const merged =
      behavior === 'merge' ? { ...toPlain(target[field]), ...toPlain(incoming) } : toPlain(incoming);
    if (Object.keys(merged).length > 0) target[field] = merged;
    else delete target[field];
  }
  const metadata = metadataOf(target);
  const incomingMetadata = metadataOf(generated.object);
  for (const field of ['labels', 'annotations']) {
    const merged = { ...toPlain(metadata[field]), ...toPlain(incomingMetadata[field]) };
    if (Object.keys(merged).length > 0) metadata[field] = merged;
  }
  // The merged resource takes the options (hash suffix or not) of the generator that merged into it.
  existing.generated = { hashSuffix: generated.generated?.hashSuffix ?? true };
}

function toPlain(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}
