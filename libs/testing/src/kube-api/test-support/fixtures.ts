// Objects the tests create: a Widget CRD with a structural schema, Deployments, ConfigMaps.

export interface WidgetCrdOptions {
  group?: string;
  scope?: 'Namespaced' | 'Cluster';
  status?: boolean;
  scale?: boolean;
  /** Extra served versions (not storage) sharing the schema. */
  extraVersions?: string[];
}

export function widgetSchema(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', minimum: 0 },
          color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'red' },
          replicas: { type: 'integer' },
          port: { 'x-kubernetes-int-or-string': true },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          tags: { type: 'array', items: { type: 'string' } },
          tagSet: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              required: ['name'],
              properties: { name: { type: 'string' }, port: { type: 'integer' } },
            },
          },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          selector: { type: 'string' },
          nested: {
            type: 'object',
            properties: {
              inner: { type: 'string', default: 'filled' },
              name: { type: 'string', pattern: '^[a-z]+$' },
            },
          },
        },
      },
      status: {
        type: 'object',
        properties: {
          phase: { type: 'string' },
          replicas: { type: 'integer' },
          observedGeneration: { type: 'integer' },
          conditions: {
            type: 'array',
            items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    },
  };
}

export function widgetCrd(options: WidgetCrdOptions = {}): Record<string, unknown> {
  const group = options.group ?? 'example.com';
  const subresources: Record<string, unknown> = {};
  if (options.status !== false) subresources.status = {};
  if (options.scale) {
    subresources.scale = {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.spec.selector',
    };
  }
  const version = (name: string, storage: boolean) => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: widgetSchema() },
    subresources,
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: options.scope ?? 'Namespaced',
      names: {
        plural: 'widgets',
        singular: 'widget',
        kind: 'Widget',
        shortNames: ['wd'],
        categories: ['all'],
      },
      versions: [version('v1', true), ...(options.extraVersions ?? []).map((v) => version(v, false))],
    },
  };
}

export function widget(
  name: string,
  spec: Record<string, unknown> = { size: 1 },
  group = 'example.com',
): Record<string, unknown> {
  return { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec };
}

export function deployment(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
      ...extra,
    },
  };
}

export function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}
