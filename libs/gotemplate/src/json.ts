/** JSON text to Go values by the corpus convention: integral numbers are int, others float64. */
import { TemplateError } from './errors.js';
import type { GoValue } from './values.js';

interface ReviverContext {
  source?: string;
}

type Reviver = (this: unknown, key: string, value: unknown, ctx?: ReviverContext) => unknown;

const reviveNumbers: Reviver = (_key, value, ctx) => {
  if (typeof value === 'number' && ctx?.source !== undefined && /^-?\d+$/.test(ctx.source))
    return BigInt(ctx.source);
  return value;
};

/** Whether JSON.parse passes the literal's source text to revivers (V8 11.4+, Node 21+). */
const HAS_SOURCE_TEXT = JSON.parse('1', ((_k, _v, ctx) => ctx?.source === '1') as Reviver) === true;

/** Parses JSON keeping int and float64 apart by how each number is written. */
export function fromJSON(text: string): GoValue {
  if (!HAS_SOURCE_TEXT)
    throw new TemplateError('fromJSON needs JSON.parse source text access (Node 21 or later)');
  return JSON.parse(text, reviveNumbers) as GoValue;
}
