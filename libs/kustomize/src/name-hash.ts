// The content hash kustomize appends to generated ConfigMap/Secret names (api/hasher): sha256 of
// Go's json.Marshal of {kind, name, data[, binaryData]} (Secrets: type and stringData), first 10
// hex digits with the vowels and easily-confused digits swapped out. kustomize looks the name up
// as a single field called "metadata/name", which never exists, so `name` is always "".
import { createHash } from 'node:crypto';
import { kindOf, type KObject } from './resource.js';
import { isObject } from './yaml-io.js';

const ENCODED: Readonly<Record<string, string>> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

export function contentHash(object: KObject): string {
  const hex = createHash('sha256')
    .update(goJson(hashInput(object)), 'utf8')
    .digest('hex');
  return [...hex.slice(0, 10)].map((char) => ENCODED[char] ?? char).join('');
}

function hashInput(object: KObject): Record<string, unknown> {
  const kind = kindOf(object);
  const data = fieldValue(object['data']);
  if (kind === 'Secret') {
    const input: Record<string, unknown> = { kind, type: fieldValue(object['type']), name: '', data };
    if (isObject(object['stringData'])) input['stringData'] = fieldValue(object['stringData']);
    return input;
  }
  const input: Record<string, unknown> = { kind, name: '', data };
  if (isObject(object['binaryData'])) input['binaryData'] = fieldValue(object['binaryData']);
  return input;
}

/** A missing field hashes as "", a scalar as its text, a map as its string values. */
function fieldValue(value: unknown): unknown {
  if (value === undefined || value === null) return '';
  if (!isObject(value)) return String(value);
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value))
    result[key] = typeof entry === 'string' ? entry : String(entry);
  return result;
}

/** JSON as Go's encoding/json writes it: sorted map keys and HTML-safe escapes. */
export function goJson(value: unknown): string {
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareBytes);
    return `{${keys.map((key) => `${goString(key)}:${goJson(value[key])}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'string') return goString(value);
  return JSON.stringify(value);
}

function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
