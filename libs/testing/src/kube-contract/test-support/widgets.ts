// A Widget CustomResourceDefinition in a group unique to the run (CRDs are cluster-scoped, so a real
// cluster must not see clashes), installed and awaited until it serves, plus a small client for its
// custom resources through CustomObjectsApi.
import {
  loadYaml,
  PatchStrategy,
  setHeaderOptions,
  type CustomObjectsApi,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { eventually, randomSuffix, SUITE_LABEL, type Contract, type Obj } from './contract.js';

export interface WidgetCrd {
  group: string;
  version: 'v1';
  plural: 'widgets';
  kind: 'Widget';
  apiVersion: string;
  name: string;
}

/** A structural schema exercising types, enums, defaults, pruning and every list/map topology. */
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
          nested: {
            type: 'object',
            properties: { inner: { type: 'string', default: 'filled' }, name: { type: 'string' } },
          },
        },
      },
      status: {
        type: 'object',
        properties: {
          phase: { type: 'string' },
          replicas: { type: 'integer' },
          observedGeneration: { type: 'integer' },
        },
      },
    },
  };
}

/** The CRD object (names.singular and listKind left for the server to default). */
export function widgetCrdObject(group: string): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}`, labels: { [SUITE_LABEL]: 'kube-contract' } },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', shortNames: [`wd${randomSuffix()}`] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: widgetSchema() },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/**
 * The typed model of a CRD written in wire form. client-node serialises typed bodies by model
 * attribute, so wire keys such as `default` or `x-kubernetes-list-type` must go through its loader.
 */
export function crdModel(crd: Obj): V1CustomResourceDefinition {
  return loadYaml<V1CustomResourceDefinition>(JSON.stringify(crd));
}

/** A group name unique to this run. */
export function uniqueGroup(): string {
  return `c${Date.now().toString(36)}${randomSuffix()}.contract.flotilla.dev`;
}

/** Creates the Widget CRD in a fresh group, waits until its resources are served, deletes it at the end. */
export async function installWidgetCrd(contract: Contract): Promise<WidgetCrd> {
  const group = uniqueGroup();
  const crd: WidgetCrd = {
    group,
    version: 'v1',
    plural: 'widgets',
    kind: 'Widget',
    apiVersion: `${group}/v1`,
    name: `widgets.${group}`,
  };
  await contract.extensions.createCustomResourceDefinition({ body: crdModel(widgetCrdObject(group)) });
  contract.target.onClose(() => contract.extensions.deleteCustomResourceDefinition({ name: crd.name }));
  await waitUntilServed(contract, crd);
  return crd;
}

/** Waits for Established=True and for the custom resource endpoint to answer. */
export async function waitUntilServed(contract: Contract, crd: WidgetCrd): Promise<void> {
  await eventually(async () => {
    const read = await contract.extensions.readCustomResourceDefinition({ name: crd.name });
    return read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, `${crd.name} to be Established`);
  await eventually(
    async () =>
      (await contract.custom.listClusterCustomObject({
        group: crd.group,
        version: 'v1',
        plural: 'widgets',
      })) !== undefined,
    `${crd.name} to be served`,
  );
}

export function widget(crd: WidgetCrd, name: string, spec: Record<string, unknown> = { size: 1 }): Obj {
  return { apiVersion: crd.apiVersion, kind: crd.kind, metadata: { name }, spec };
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Widgets of one namespace through CustomObjectsApi. */
export class Widgets {
  /** Widgets of a namespace created for the calling test. */
  static async inFreshNamespace(contract: Contract, crd: WidgetCrd): Promise<Widgets> {
    return new Widgets(contract.custom, crd, await contract.namespace());
  }

  constructor(
    private readonly custom: CustomObjectsApi,
    readonly crd: WidgetCrd,
    readonly namespace: string,
  ) {}

  private get ref() {
    return {
      group: this.crd.group,
      version: this.crd.version,
      plural: this.crd.plural,
      namespace: this.namespace,
    };
  }

  get(name: string): Promise<Obj> {
    return this.custom.getNamespacedCustomObject({ ...this.ref, name }) as Promise<Obj>;
  }

  create(body: Obj, params: { dryRun?: string; fieldManager?: string } = {}): Promise<Obj> {
    return this.custom.createNamespacedCustomObject({ ...this.ref, body, ...params }) as Promise<Obj>;
  }

  replace(body: Obj): Promise<Obj> {
    return this.custom.replaceNamespacedCustomObject({
      ...this.ref,
      name: String(body.metadata?.name),
      body,
    }) as Promise<Obj>;
  }

  replaceStatus(body: Obj): Promise<Obj> {
    return this.custom.replaceNamespacedCustomObjectStatus({
      ...this.ref,
      name: String(body.metadata?.name),
      body,
    }) as Promise<Obj>;
  }

  /** PATCH with the given Content-Type (merge patch by default). */
  patch(
    name: string,
    body: unknown,
    strategy: PatchStrategy = PatchStrategy.MergePatch,
    params: { fieldManager?: string; force?: boolean } = {},
  ): Promise<Obj> {
    return this.custom.patchNamespacedCustomObject(
      { ...this.ref, name, body, ...params },
      setHeaderOptions('Content-Type', strategy),
    ) as Promise<Obj>;
  }

  patchStatus(name: string, body: unknown): Promise<Obj> {
    return this.custom.patchNamespacedCustomObjectStatus({ ...this.ref, name, body }, merge) as Promise<Obj>;
  }

  /** Server-side apply of `spec` (and optional metadata) as `manager`. */
  apply(name: string, manager: string, spec: Record<string, unknown>, force = false): Promise<Obj> {
    return this.patch(name, widget(this.crd, name, spec), PatchStrategy.ServerSideApply, {
      fieldManager: manager,
      ...(force ? { force } : {}),
    });
  }

  delete(name: string): Promise<unknown> {
    return this.custom.deleteNamespacedCustomObject({ ...this.ref, name });
  }
}
