// Built objects made ready to apply (kustomize.md §3 steps 8–9): identity checked, Secret
// stringData folded into data, TCP default on ports (the list-map key of server-side apply),
// creationTimestamp and status dropped, commonMetadata and owner labels set.
import type { ApiObject } from '@flotilla/runtime';
import { BuildInputError } from './generate.js';

export interface CommonMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkIdentity(obj: ApiObject): void {
  if (!obj.apiVersion || !obj.kind || !obj.metadata?.name)
    throw new BuildInputError(
      `object has no ${!obj.apiVersion ? 'apiVersion' : !obj.kind ? 'kind' : 'name'}: ${JSON.stringify(obj).slice(0, 200)}`,
    );
}

function foldStringData(obj: ApiObject): void {
  if (obj.kind !== 'Secret' || !isRecord(obj.stringData)) return;
  const data = isRecord(obj.data) ? { ...obj.data } : {};
  for (const [key, value] of Object.entries(obj.stringData))
    data[key] = Buffer.from(String(value)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}

function defaultPorts(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const port of list) if (isRecord(port) && port.protocol === undefined) port.protocol = 'TCP';
}

function podSpecOf(obj: ApiObject): Json | undefined {
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec;
  const template =
    obj.kind === 'CronJob' && isRecord(spec.jobTemplate)
      ? (spec.jobTemplate.spec as Json | undefined)?.template
      : spec.template;
  return isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
}

function defaultProtocols(obj: ApiObject): void {
  if (obj.kind === 'Service' && isRecord(obj.spec)) defaultPorts(obj.spec.ports);
  const podSpec = podSpecOf(obj);
  if (!podSpec) return;
  for (const field of ['containers', 'initContainers']) {
    const containers = podSpec[field];
    if (Array.isArray(containers)) for (const c of containers) if (isRecord(c)) defaultPorts(c.ports);
  }
}

function mergeMeta(
  obj: ApiObject,
  field: 'labels' | 'annotations',
  values: Record<string, string> | undefined,
): void {
  if (!values || Object.keys(values).length === 0) return;
  const metadata = (obj.metadata ??= {});
  metadata[field] = { ...(metadata[field] ?? {}), ...values };
}

export interface NormalizeOptions {
  commonMetadata?: CommonMetadata;
  ownerLabels: Record<string, string>;
}

export function normalizeObjects(objects: readonly ApiObject[], options: NormalizeOptions): ApiObject[] {
  return objects.map((original) => {
    const obj = structuredClone(original);
    checkIdentity(obj);
    foldStringData(obj);
    defaultProtocols(obj);
    if (obj.metadata) delete (obj.metadata as Json).creationTimestamp;
    if (obj.kind !== 'CustomResourceDefinition') delete obj.status;
    mergeMeta(obj, 'labels', options.commonMetadata?.labels);
    mergeMeta(obj, 'annotations', options.commonMetadata?.annotations);
    mergeMeta(obj, 'labels', options.ownerLabels);
    return obj;
  });
}
