// Validation and immutable fields of built-in kinds (kube-api.md §3, §8). Returns 422 causes; a
// Secret whose data is not base64 is a decoding error (400), thrown directly.
import { badRequest, field, type FieldProblem } from './errors.js';
import { deepEqual, isObject, objectField, type JsonObject, type KubeObject } from './json.js';
import { labelSelectorFromObject } from './selectors.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const immutable = (path: string, value: unknown): FieldProblem =>
  field.invalid(path, value, 'field is immutable');

function specOf(obj: KubeObject | undefined): JsonObject {
  return (obj && objectField(obj, 'spec')) ?? {};
}

function validateDataKeys(data: unknown, path: string, problems: FieldProblem[]): number {
  let size = 0;
  if (!isObject(data)) return size;
  for (const [key, value] of Object.entries(data)) {
    if (!CONFIG_KEY.test(key) || key.length > 253) {
      problems.push(
        field.invalid(
          path,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        ),
      );
    }
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  return size;
}

function validateConfigMap(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let size = validateDataKeys(obj.data, 'data', problems);
  size += validateDataKeys(obj.binaryData, 'binaryData', problems);
  if (isObject(obj.data) && isObject(obj.binaryData)) {
    for (const key of Object.keys(obj.binaryData)) {
      if (key in obj.data)
        problems.push(field.invalid('binaryData', key, 'duplicate of key present in data'));
    }
  }
  if (size > 1024 * 1024) problems.push(field.tooLong('', 1024 * 1024));
  problems.push(...immutableData(obj, previous, ['data', 'binaryData']));
  return problems;
}

/** ConfigMap/Secret with `immutable: true`: data frozen and the flag cannot be cleared. */
function immutableData(obj: KubeObject, previous: KubeObject | undefined, keys: string[]): FieldProblem[] {
  if (!previous || previous.immutable !== true) return [];
  const problems: FieldProblem[] = [];
  if (obj.immutable !== true)
    problems.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const key of keys) {
    if (!deepEqual(obj[key] ?? {}, previous[key] ?? {})) {
      problems.push(field.forbidden(key, 'field is immutable when `immutable` is set'));
    }
  }
  return problems;
}

function validateSecret(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  if (isObject(obj.data)) {
    for (const [key, value] of Object.entries(obj.data)) {
      if (typeof value !== 'string' || !BASE64.test(value)) {
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (data.${key})`,
        );
      }
    }
  }
  const problems: FieldProblem[] = [];
  validateDataKeys(obj.data, 'data', problems);
  if (obj.type === 'kubernetes.io/tls') {
    for (const key of ['tls.crt', 'tls.key']) {
      if (!isObject(obj.data) || !(key in obj.data)) problems.push(field.required(`data[${key}]`));
    }
  }
  if (previous && previous.type !== obj.type) problems.push(immutable('type', obj.type));
  problems.push(...immutableData(obj, previous, ['data']));
  return problems;
}

function validatePodTemplate(spec: JsonObject, path: string, problems: FieldProblem[]): void {
  const template = objectField(spec, 'template');
  const podSpec = template && objectField(template, 'spec');
  if (!podSpec || !Array.isArray(podSpec.containers) || podSpec.containers.length === 0) {
    problems.push(field.required(`${path}.template.spec.containers`));
  }
}

/** Workloads: selector required, non-empty, matching the template labels; replicas ≥ 0. */
function validateWorkload(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const spec = specOf(obj);
  const problems: FieldProblem[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    problems.push(field.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  if (!isObject(spec.selector)) problems.push(field.required('spec.selector'));
  else {
    const selector = labelSelectorFromObject(spec.selector);
    if (selector.requirements.length === 0) {
      problems.push(
        field.invalid('spec.selector', spec.selector, 'empty selector is invalid for deployment'),
      );
    }
    const labels =
      objectField(objectField(objectField(spec, 'template') ?? {}, 'metadata') ?? {}, 'labels') ?? {};
    if (!selector.matches(labels as Record<string, string>)) {
      problems.push(
        field.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'),
      );
    }
  }
  validatePodTemplate(spec, 'spec', problems);
  if (previous && !deepEqual(spec.selector, specOf(previous).selector)) {
    problems.push(immutable('spec.selector', spec.selector));
  }
  return problems;
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function validateStatefulSet(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const problems = validateWorkload(obj, previous);
  if (!previous) return problems;
  const strip = (spec: JsonObject) =>
    Object.fromEntries(Object.entries(spec).filter(([key]) => !STATEFULSET_MUTABLE.includes(key)));
  if (!deepEqual(strip(specOf(obj)), strip(specOf(previous)))) {
    problems.push(
      field.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return problems;
}

function validateJob(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const spec = specOf(obj);
  const problems: FieldProblem[] = [];
  validatePodTemplate(spec, 'spec', problems);
  const podSpec = objectField(objectField(spec, 'template') ?? {}, 'spec') ?? {};
  if (podSpec.restartPolicy !== 'Never' && podSpec.restartPolicy !== 'OnFailure') {
    problems.push(
      field.notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy ?? '', [
        'OnFailure',
        'Never',
      ]),
    );
  }
  if (previous) {
    const old = specOf(previous);
    if (!deepEqual(spec.selector, old.selector)) problems.push(immutable('spec.selector', spec.selector));
    if (!deepEqual(spec.template, old.template)) problems.push(immutable('spec.template', spec.template));
    if (spec.completions !== old.completions) problems.push(immutable('spec.completions', spec.completions));
  }
  return problems;
}

function validateService(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const spec = specOf(obj);
  const problems: FieldProblem[] = [];
  const headless = spec.clusterIP === 'None';
  if (spec.type !== 'ExternalName' && !headless && (!Array.isArray(spec.ports) || spec.ports.length === 0)) {
    problems.push(field.required('spec.ports'));
  }
  if (previous) {
    const old = specOf(previous);
    if (old.clusterIP !== undefined && spec.clusterIP !== old.clusterIP && spec.type === old.type) {
      problems.push(immutable('spec.clusterIPs[0]', spec.clusterIP));
    }
  }
  return problems;
}

/** Pods: only images, activeDeadlineSeconds and added tolerations may change. */
function validatePod(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const spec = specOf(obj);
  if (!Array.isArray(spec.containers) || spec.containers.length === 0)
    return [field.required('spec.containers')];
  if (!previous) return [];
  const comparable = (s: JsonObject) => {
    const copy: JsonObject = { ...s, activeDeadlineSeconds: undefined, tolerations: undefined };
    for (const key of ['containers', 'initContainers']) {
      if (Array.isArray(s[key]))
        copy[key] = (s[key] as JsonObject[]).map((c) => ({ ...c, image: undefined }));
    }
    return JSON.parse(JSON.stringify(copy)) as unknown;
  };
  if (!deepEqual(comparable(spec), comparable(specOf(previous)))) {
    return [
      field.forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    ];
  }
  return [];
}

function validateBinding(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const roleRef = obj.roleRef;
  if (!isObject(roleRef)) problems.push(field.required('roleRef'));
  else {
    for (const key of ['kind', 'name']) if (!roleRef[key]) problems.push(field.required(`roleRef.${key}`));
  }
  if (previous && !deepEqual(roleRef, previous.roleRef)) {
    problems.push(field.invalid('roleRef', roleRef, 'cannot change roleRef'));
  }
  return problems;
}

function validateEventsV1(obj: KubeObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
    if (obj[key] === undefined || obj[key] === '') problems.push(field.required(key));
  }
  if (obj.type !== undefined && obj.type !== 'Normal' && obj.type !== 'Warning') {
    problems.push(field.notSupported('type', obj.type, ['Normal', 'Warning']));
  }
  return problems;
}

type KindValidator = (obj: KubeObject, previous: KubeObject | undefined) => FieldProblem[];

const VALIDATORS: Record<string, KindValidator> = {
  'v1/ConfigMap': validateConfigMap,
  'v1/Secret': validateSecret,
  'v1/Service': validateService,
  'v1/Pod': validatePod,
  'apps/v1/Deployment': validateWorkload,
  'apps/v1/ReplicaSet': validateWorkload,
  'apps/v1/DaemonSet': validateWorkload,
  'apps/v1/StatefulSet': validateStatefulSet,
  'batch/v1/Job': validateJob,
  'rbac.authorization.k8s.io/v1/RoleBinding': validateBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': validateBinding,
  'events.k8s.io/v1/Event': validateEventsV1,
};

/** 422 causes for a built-in object (with its stored predecessor on updates). */
export function validateNative(obj: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  return VALIDATORS[`${obj.apiVersion}/${obj.kind}`]?.(obj, previous) ?? [];
}
