import { describe, expect, it } from 'vitest';
import { builtinSchemaFor } from './builtin-schemas.js';
import { PatchError } from './errors.js';
import type { JsonObject } from './json.js';
import type { TypeSchema } from './schema.js';
import { applyStrategicMergePatch, isDeletePatch } from './strategic-merge.js';

const deploymentSchema = builtinSchemaFor('apps/v1', 'Deployment') as TypeSchema;

function deployment(podSpec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...metadata },
    spec: { replicas: 1, template: { spec: podSpec } },
  };
}

function podSpecOf(object: JsonObject): JsonObject {
  return ((object.spec as JsonObject).template as JsonObject).spec as JsonObject;
}

function patchPod(podSpec: JsonObject): JsonObject {
  return { spec: { template: { spec: podSpec } } };
}

function names(list: unknown): unknown[] {
  return (list as JsonObject[]).map((item) => item.name);
}

function expectCode(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).code).toBe(code);
    return;
  }
  throw new Error(`expected PatchError ${code}`);
}

const twoContainers = deployment({
  containers: [
    {
      name: 'web',
      image: 'nginx:1',
      args: ['--a', '--b'],
      ports: [{ containerPort: 80 }, { containerPort: 443 }],
    },
    { name: 'sidecar', image: 'envoy:1' },
  ],
});

describe('applyStrategicMergePatch (API server)', () => {
  it('merges containers by name, updating in place and keeping the others', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      patchPod({ containers: [{ name: 'sidecar', image: 'envoy:2' }] }),
      deploymentSchema,
    );
    const containers = podSpecOf(result).containers as JsonObject[];
    expect(names(containers)).toEqual(['web', 'sidecar']);
    expect(containers[1]).toEqual({ name: 'sidecar', image: 'envoy:2' });
    expect(containers[0]).toEqual((podSpecOf(twoContainers).containers as JsonObject[])[0]);
  });

  it('places new items before the remaining server-only items, as the API server orders them', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      patchPod({
        containers: [
          { name: 'web', image: 'nginx:2' },
          { name: 'extra', image: 'busybox' },
        ],
      }),
      deploymentSchema,
    );
    expect(names(podSpecOf(result).containers)).toEqual(['web', 'extra', 'sidecar']);
  });

  it('merges container ports by containerPort and replaces non-merge lists such as args', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      patchPod({
        containers: [
          {
            name: 'web',
            args: ['--c'],
            ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080 }],
          },
        ],
      }),
      deploymentSchema,
    );
    const web = (podSpecOf(result).containers as JsonObject[])[0] as JsonObject;
    expect(web.args).toEqual(['--c']);
    expect(web.ports).toEqual([
      { containerPort: 80 },
      { containerPort: 443, name: 'https' },
      { containerPort: 8080 },
    ]);
    expect(web.image).toBe('nginx:1');
  });

  it('unions finalizers: a shorter list removes nothing, new ones come first', () => {
    const object = deployment({ containers: [] }, { finalizers: ['a.example/x', 'b.example/y'] });
    const kept = applyStrategicMergePatch(
      object,
      { metadata: { finalizers: ['b.example/y'] } },
      deploymentSchema,
    );
    expect((kept.metadata as JsonObject).finalizers).toEqual(['a.example/x', 'b.example/y']);
    const added = applyStrategicMergePatch(
      object,
      { metadata: { finalizers: ['c.example/z'] } },
      deploymentSchema,
    );
    expect((added.metadata as JsonObject).finalizers).toEqual(['c.example/z', 'a.example/x', 'b.example/y']);
  });

  it('$deleteFromPrimitiveList removes finalizers', () => {
    const object = deployment({ containers: [] }, { finalizers: ['a', 'b', 'c'] });
    const result = applyStrategicMergePatch(
      object,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'missing'] } },
      deploymentSchema,
    );
    expect((result.metadata as JsonObject).finalizers).toEqual(['a', 'c']);
  });

  it('$patch: delete removes a list item by merge key', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      patchPod({ containers: [{ name: 'web', $patch: 'delete' }] }),
      deploymentSchema,
    );
    expect(names(podSpecOf(result).containers)).toEqual(['sidecar']);
  });

  it('$patch: replace on a list element replaces the whole list', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      patchPod({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] }),
      deploymentSchema,
    );
    expect(podSpecOf(result).containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('$patch: replace on an object replaces it; $patch: delete empties it', () => {
    const object = deployment({ containers: [], nodeSelector: { disk: 'ssd', zone: 'a' } });
    const replaced = applyStrategicMergePatch(
      object,
      patchPod({ nodeSelector: { $patch: 'replace', zone: 'b' } }),
      deploymentSchema,
    );
    expect(podSpecOf(replaced).nodeSelector).toEqual({ zone: 'b' });
    const deleted = applyStrategicMergePatch(
      object,
      patchPod({ nodeSelector: { $patch: 'delete' } }),
      deploymentSchema,
    );
    expect(podSpecOf(deleted).nodeSelector).toEqual({});
  });

  it('$retainKeys switches a volume source and clears the old one', () => {
    const object = deployment({
      containers: [],
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'keep', emptyDir: {} },
      ],
    });
    const result = applyStrategicMergePatch(
      object,
      patchPod({
        volumes: [{ name: 'data', configMap: { name: 'cm' }, $retainKeys: ['configMap', 'name'] }],
      }),
      deploymentSchema,
    );
    expect(podSpecOf(result).volumes).toEqual([
      { name: 'data', configMap: { name: 'cm' } },
      { name: 'keep', emptyDir: {} },
    ]);
  });

  it('$retainKeys on the Deployment strategy drops rollingUpdate when switching to Recreate', () => {
    const object = {
      ...twoContainers,
      spec: {
        ...(twoContainers.spec as JsonObject),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      },
    };
    const result = applyStrategicMergePatch(
      object,
      { spec: { strategy: { type: 'Recreate', $retainKeys: ['type'] } } },
      deploymentSchema,
    );
    expect((result.spec as JsonObject).strategy).toEqual({ type: 'Recreate' });
  });

  it('$retainKeys must list every field the patch sets', () => {
    expectCode(
      () =>
        applyStrategicMergePatch(
          twoContainers,
          { spec: { strategy: { type: 'Recreate', $retainKeys: ['other'] } } },
          deploymentSchema,
        ),
      'INVALID_DIRECTIVE',
    );
  });

  it('$setElementOrder fixes the order of a merged list', () => {
    const object = deployment({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const result = applyStrategicMergePatch(
      object,
      patchPod({
        '$setElementOrder/containers': [{ name: 'c' }, { name: 'new' }, { name: 'a' }, { name: 'b' }],
        containers: [{ name: 'new', image: 'x' }],
      }),
      deploymentSchema,
    );
    expect(names(podSpecOf(result).containers)).toEqual(['c', 'new', 'a', 'b']);
  });

  it('$setElementOrder orders primitive lists and may reorder without other changes', () => {
    const object = deployment({ containers: [] }, { finalizers: ['a', 'b', 'c'] });
    const result = applyStrategicMergePatch(
      object,
      { metadata: { '$setElementOrder/finalizers': ['c', 'a', 'b'] } },
      deploymentSchema,
    );
    expect((result.metadata as JsonObject).finalizers).toEqual(['c', 'a', 'b']);
  });

  it('$setElementOrder must agree with the order of the patch list', () => {
    const object = deployment({ containers: [{ name: 'a' }, { name: 'b' }] });
    expectCode(
      () =>
        applyStrategicMergePatch(
          object,
          patchPod({
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
            containers: [{ name: 'b' }, { name: 'a' }],
          }),
          deploymentSchema,
        ),
      'INVALID_DIRECTIVE',
    );
  });

  it('null deletes fields; nulls inside newly added values are dropped', () => {
    const object = deployment({ containers: [] }, { labels: { a: '1', b: '2' } });
    const result = applyStrategicMergePatch(
      object,
      { metadata: { labels: { a: null }, annotations: { x: 'y', z: null } }, spec: { replicas: null } },
      deploymentSchema,
    );
    expect(result.metadata).toEqual({ name: 'web', labels: { b: '2' }, annotations: { x: 'y' } });
    expect(result.spec).not.toHaveProperty('replicas');
  });

  it('replace strategy (PDB selector) replaces the map instead of merging', () => {
    const schema = builtinSchemaFor('policy/v1', 'PodDisruptionBudget') as TypeSchema;
    const pdb = { spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 } };
    const result = applyStrategicMergePatch(pdb, { spec: { selector: { matchExpressions: [] } } }, schema);
    expect((result.spec as JsonObject).selector).toEqual({ matchExpressions: [] });
  });

  it('without a schema every list is replaced and maps still merge', () => {
    const result = applyStrategicMergePatch(
      { spec: { items: [{ name: 'a' }], map: { a: 1 } } },
      { spec: { items: [{ name: 'b' }], map: { b: 2 } } },
      undefined,
    );
    expect(result).toEqual({ spec: { items: [{ name: 'b' }], map: { a: 1, b: 2 } } });
  });

  it('does not mutate its inputs', () => {
    const object = structuredClone(twoContainers);
    const patch = patchPod({ containers: [{ name: 'web', image: 'nginx:9' }] });
    const patchCopy = structuredClone(patch);
    applyStrategicMergePatch(object, patch, deploymentSchema);
    expect(object).toEqual(twoContainers);
    expect(patch).toEqual(patchCopy);
  });

  it('rejects items without merge key and unknown directives', () => {
    expectCode(
      () =>
        applyStrategicMergePatch(twoContainers, patchPod({ containers: [{ image: 'x' }] }), deploymentSchema),
      'MISSING_MERGE_KEY',
    );
    expectCode(
      () => applyStrategicMergePatch(twoContainers, { spec: { $patch: 'explode' } }, deploymentSchema),
      'INVALID_DIRECTIVE',
    );
    expectCode(
      () =>
        applyStrategicMergePatch(
          twoContainers,
          patchPod({ containers: [{ name: 'web', $patch: 'merge' }] }),
          deploymentSchema,
        ),
      'INVALID_DIRECTIVE',
    );
    expectCode(
      () => applyStrategicMergePatch(twoContainers, { spec: { $patch: 'merge' } }, deploymentSchema),
      'INVALID_DIRECTIVE',
    );
  });

  it('lets a patch change a value type', () => {
    const result = applyStrategicMergePatch(
      { spec: { x: [1, 2] } },
      { spec: { x: { a: null, b: 1 } } },
      undefined,
    );
    expect(result).toEqual({ spec: { x: { b: 1 } } });
  });
});

describe('applyStrategicMergePatch (kustomize flavour)', () => {
  const kustomize = { flavor: 'kustomize' } as const;

  it('puts the items a patch mentions first, in patch order', () => {
    const object = deployment({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const result = applyStrategicMergePatch(
      object,
      patchPod({ containers: [{ name: 'c', image: 'x' }, { name: 'd' }] }),
      deploymentSchema,
      kustomize,
    );
    expect(names(podSpecOf(result).containers)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('matches container ports on containerPort and protocol', () => {
    const object = deployment({
      containers: [
        {
          name: 'dns',
          ports: [
            { containerPort: 53, protocol: 'UDP', name: 'dns' },
            { containerPort: 53, protocol: 'TCP', name: 'dns-tcp' },
          ],
        },
      ],
    });
    const patch = patchPod({
      containers: [{ name: 'dns', ports: [{ containerPort: 53, protocol: 'TCP', hostPort: 53 }] }],
    });
    const kustomized = applyStrategicMergePatch(object, patch, deploymentSchema, kustomize);
    const ports = ((podSpecOf(kustomized).containers as JsonObject[])[0] as JsonObject).ports;
    expect(ports).toEqual([
      { containerPort: 53, protocol: 'TCP', name: 'dns-tcp', hostPort: 53 },
      { containerPort: 53, protocol: 'UDP', name: 'dns' },
    ]);
    // The API server only knows the merge key, so the TCP patch lands on the first port 53.
    const apiServer = applyStrategicMergePatch(object, patch, deploymentSchema);
    const serverPorts = ((podSpecOf(apiServer).containers as JsonObject[])[0] as JsonObject)
      .ports as JsonObject[];
    expect(serverPorts[0]).toEqual({ containerPort: 53, protocol: 'TCP', name: 'dns', hostPort: 53 });
  });

  it('$patch: delete removes the field, and a top-level delete is detectable', () => {
    const object = deployment({ containers: [], nodeSelector: { disk: 'ssd' } });
    const result = applyStrategicMergePatch(
      object,
      patchPod({ nodeSelector: { $patch: 'delete' } }),
      deploymentSchema,
      kustomize,
    );
    expect(podSpecOf(result)).not.toHaveProperty('nodeSelector');
    expect(isDeletePatch({ $patch: 'delete', metadata: { name: 'web' } })).toBe(true);
    expect(isDeletePatch({ metadata: { name: 'web' } })).toBe(false);
  });

  it('accepts $patch: merge as a no-op', () => {
    const result = applyStrategicMergePatch(
      twoContainers,
      { spec: { $patch: 'merge', replicas: 4 } },
      deploymentSchema,
      kustomize,
    );
    expect((result.spec as JsonObject).replicas).toBe(4);
    expect(result.spec).not.toHaveProperty('$patch');
  });

  it('unions finalizers with patch values first', () => {
    const object = deployment({ containers: [] }, { finalizers: ['a', 'b'] });
    const result = applyStrategicMergePatch(
      object,
      { metadata: { finalizers: ['b', 'c'] } },
      deploymentSchema,
      kustomize,
    );
    expect((result.metadata as JsonObject).finalizers).toEqual(['b', 'c', 'a']);
  });
});
