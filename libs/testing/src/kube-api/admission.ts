// The kind-specific part of every write, between patching and storing: metadata clean-up,
// server defaults, CR pruning/defaulting, and validation (422) including immutable fields.
import { randomUUID } from 'node:crypto';
import type { KubeApiCore } from './core.js';
import { badRequest, field, invalid, type FieldProblem } from './errors.js';
import { pruneAndDefault, validateCustomResource } from './custom-resources.js';
import { validateCrd } from './crd-rules.js';
import { metaOf, type KubeObject } from './json.js';
import { applyNativeDefaults } from './native-defaults.js';
import { validateNative } from './native-rules.js';
import { cutToObjectMeta, nameRuleFor, validateMetadata, validateName } from './object-meta.js';
import type { ResourceType } from './resource-types.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface AdmissionInput {
  type: ResourceType;
  /** The candidate object; mutated in place where possible, the result is returned. */
  object: KubeObject;
  previous: KubeObject | undefined;
  fieldValidation: FieldValidation;
  /** Collects `Warning` header texts. */
  warnings: string[];
}

function reportUnknownFields(paths: string[], input: AdmissionInput): void {
  if (paths.length === 0 || input.fieldValidation === 'Ignore') return;
  if (input.fieldValidation === 'Strict') {
    const list = paths.map((p) => `unknown field "${p}"`).join(', ');
    throw badRequest(`strict decoding error: ${list}`);
  }
  for (const path of paths) input.warnings.push(`unknown field "${path}"`);
}

function throwIfInvalid(type: ResourceType, obj: KubeObject, problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw invalid({ group: type.group, kind: type.kind, name: String(metaOf(obj).name ?? '') }, problems);
}

/** Defaults, prunes and validates; returns the object to store (throws 400/422). */
export function admit(core: KubeApiCore, input: AdmissionInput): KubeObject {
  const { type, previous } = input;
  let obj = input.object;
  const metadata = metaOf(obj);
  reportUnknownFields(cutToObjectMeta(metadata), input);
  if (type.builtin) {
    applyNativeDefaults(obj, {
      uid: String(metadata.uid ?? randomUUID()),
      previous,
      allocateClusterIP: () => core.allocateClusterIP(),
      allocateNodePort: () => core.allocateNodePort(),
    });
  } else {
    const outcome = pruneAndDefault(obj, type.custom?.schema);
    reportUnknownFields(outcome.pruned, input);
    obj = outcome.object;
  }
  const problems: FieldProblem[] = [];
  problems.push(...validateName(String(metaOf(obj).name ?? ''), nameRuleFor(type.group, type.kind)));
  problems.push(...validateMetadata(metaOf(obj)));
  problems.push(...terminatingRules(obj, previous));
  if (type.builtin) {
    problems.push(...validateNative(obj, previous));
    if (type.kind === 'CustomResourceDefinition') problems.push(...validateCrd(obj, previous));
  } else problems.push(...validateCustomResource(obj, type.custom?.schema));
  throwIfInvalid(type, obj, problems);
  return obj;
}

/** On a terminating object finalizers may only be removed. */
function terminatingRules(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  if (!previous || !metaOf(previous).deletionTimestamp) return [];
  const before = new Set((metaOf(previous).finalizers as string[] | undefined) ?? []);
  const after = (metaOf(obj).finalizers as string[] | undefined) ?? [];
  if (after.some((f) => !before.has(f))) {
    return [
      field.forbidden(
        'metadata.finalizers',
        `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(after.filter((f) => !before.has(f)))}`,
      ),
    ];
  }
  return [];
}
