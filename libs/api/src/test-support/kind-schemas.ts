// What the per-kind schema tests share: one kind version and its schema, the paths TypeBox
// reports errors at, schema nodes of spec fields, and "one thing changed" copies of a sample.
import { FormatRegistry, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { KindSpec, VersionSpec } from '../kind-spec.js';

// TypeBox checks `format` only against registered formats; RFC 3339 as Kubernetes accepts it.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));

export function versionOf(kind: KindSpec, name: string): VersionSpec {
  const found = kind.versions.find((v) => v.name === name);
  if (!found) throw new Error(`${kind.kind} has no version ${name}`);
  return found;
}

export const schemaOf = (kind: KindSpec, name: string): TObject => versionOf(kind, name).schema;

export const errorPaths = (schema: TObject, value: unknown) =>
  [...Value.Errors(schema, value)].map((e) => e.path);

/** The schema node of one spec field, to read keywords such as `default`. */
export const specField = (schema: TObject, field: string): Record<string, unknown> | undefined =>
  (schema.properties.spec as unknown as { properties: Record<string, Record<string, unknown>> }).properties[
    field
  ];

/** A copy of `base` with `mutate` applied, for "one thing wrong" cases. */
export function variant<T>(base: T, mutate: (copy: T) => void): T {
  const copy = structuredClone(base);
  mutate(copy);
  return copy;
}
