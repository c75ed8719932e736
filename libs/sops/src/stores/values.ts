import { Branch, Comment, type TreeValue } from '../tree.js';
import { encodeJson } from './json.js';

/** sops' stores.ValueToString, for the flat stores (dotenv, INI). */
export function valueToString(value: TreeValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value.toFixed(6);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Comment) return value.value;
  if (value instanceof Branch || Array.isArray(value)) return encodeJson(value);
  return String(value);
}
