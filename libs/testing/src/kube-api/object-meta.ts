// ObjectMeta rules shared by every kind: names, generateName, labels, annotations, finalizers and
// ownerReferences validation, and cutting metadata down to the fields ObjectMeta has.
import { randomInt } from 'node:crypto';
import { field, type FieldProblem } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { isLabelValue, isQualifiedName } from './selectors.js';

export type NameRule = 'subdomain' | 'label' | 'path-segment';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kinds named by DNS label; RBAC kinds take any path segment; the rest DNS subdomains. */
export function nameRuleFor(group: string, kind: string): NameRule {
  if (group === '' && (kind === 'Namespace' || kind === 'Service')) return 'label';
  if (group === 'rbac.authorization.k8s.io') return 'path-segment';
  return 'subdomain';
}

export function validateName(name: string, rule: NameRule, path = 'metadata.name'): FieldProblem[] {
  if (rule === 'path-segment') {
    if (name === '.' || name === '..') return [field.invalid(path, name, `may not be '${name}'`)];
    if (/[/%]/.test(name)) return [field.invalid(path, name, `may not contain '/' or '%'`)];
    return [];
  }
  if (rule === 'label') {
    if (name.length > 63 || !DNS_LABEL.test(name)) {
      return [
        field.invalid(
          path,
          name,
          `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return [
      field.invalid(
        path,
        name,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ),
    ];
  }
  return [];
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName: prefix cut to 58 characters plus five random characters. */
export function generateNameFrom(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return prefix.slice(0, 58) + suffix;
}

/** The fields metav1.ObjectMeta has; others are dropped on decode. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Drops unknown metadata fields (what decoding into ObjectMeta does); returns their names. */
export function cutToObjectMeta(metadata: JsonObject): string[] {
  const dropped: string[] = [];
  for (const key of Object.keys(metadata)) {
    if (!OBJECT_META_FIELDS.has(key)) {
      delete metadata[key];
      dropped.push(`metadata.${key}`);
    }
  }
  return dropped;
}

function validateLabels(labels: unknown, problems: FieldProblem[]): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    problems.push(field.typeInvalid('metadata.labels', labels, 'must be a map of strings'));
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) {
      problems.push(
        field.invalid(
          'metadata.labels',
          key,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
    if (typeof value !== 'string' || !isLabelValue(value)) {
      problems.push(
        field.invalid(
          `metadata.labels`,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    }
  }
}

function validateAnnotations(annotations: unknown, problems: FieldProblem[]): void {
  if (annotations === undefined || annotations === null) return;
  if (!isObject(annotations)) {
    problems.push(field.typeInvalid('metadata.annotations', annotations, 'must be a map of strings'));
    return;
  }
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    if (!isQualifiedName(key.toLowerCase())) {
      problems.push(
        field.invalid('metadata.annotations', key, 'name part must consist of alphanumeric characters'),
      );
    }
    if (typeof value !== 'string')
      problems.push(field.typeInvalid(`metadata.annotations.${key}`, value, 'must be a string'));
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > 256 * 1024) problems.push(field.tooLong('metadata.annotations', 256 * 1024));
}

function validateOwnerReferences(refs: unknown, problems: FieldProblem[]): void {
  if (refs === undefined || refs === null) return;
  if (!Array.isArray(refs)) {
    problems.push(field.typeInvalid('metadata.ownerReferences', refs, 'must be a list'));
    return;
  }
  let controllers = 0;
  refs.forEach((ref, i) => {
    const path = `metadata.ownerReferences[${i}]`;
    if (!isObject(ref)) return problems.push(field.typeInvalid(path, ref, 'must be an object'));
    for (const key of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof ref[key] !== 'string' || ref[key] === '') problems.push(field.required(`${path}.${key}`));
    }
    if (ref.controller === true) controllers++;
    return undefined;
  });
  if (controllers > 1) {
    problems.push(
      field.invalid('metadata.ownerReferences', refs, 'Only one reference can have Controller set to true'),
    );
  }
}

function validateFinalizers(finalizers: unknown, problems: FieldProblem[]): void {
  if (finalizers === undefined || finalizers === null) return;
  if (!Array.isArray(finalizers)) {
    problems.push(field.typeInvalid('metadata.finalizers', finalizers, 'must be a list of strings'));
    return;
  }
  finalizers.forEach((f, i) => {
    if (typeof f !== 'string' || !isQualifiedName(f)) {
      problems.push(
        field.invalid(`metadata.finalizers[${i}]`, f, 'name part must consist of alphanumeric characters'),
      );
    }
  });
}

/** Problems with client-settable metadata (labels, annotations, ownerReferences, finalizers). */
export function validateMetadata(metadata: JsonObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  validateLabels(metadata.labels, problems);
  validateAnnotations(metadata.annotations, problems);
  validateOwnerReferences(metadata.ownerReferences, problems);
  validateFinalizers(metadata.finalizers, problems);
  return problems;
}
