import { describe, expect, it } from 'vitest';
import { objectHealth } from './health.js';
import { inventoryEntry, parseInventoryEntry, refOf, subjectOf } from './object-id.js';
import { sortForApply, stageOf } from './staging.js';

describe('inventory ids (Flux format)', () => {
  it('formats and parses namespaced, core, cluster-scoped and colon names', () => {
    const cases = [
      [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'podinfo', namespace: 'default' } },
        'default_podinfo__Service',
        'v1',
      ],
      [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' } },
        'ns_web_apps_Deployment',
        'v1',
      ],
      [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'system:reader' },
        },
        '_system__reader_rbac.authorization.k8s.io_ClusterRole',
        'v1',
      ],
    ] as const;
    for (const [obj, id, v] of cases) {
      const entry = inventoryEntry(refOf(obj));
      expect(entry).toEqual({ id, v });
      expect(parseInventoryEntry(entry)).toEqual(refOf(obj));
    }
    expect(parseInventoryEntry({ id: 'garbage', v: 'v1' })).toBeUndefined();
    expect(subjectOf(refOf(cases[2][0]))).toBe('ClusterRole/system:reader');
  });
});

describe('staging', () => {
  it('orders definitions, classes, then the rest by kind priority', () => {
    const objs = [
      'Deployment',
      'Service',
      'StorageClass',
      'Namespace',
      'CustomResourceDefinition',
      'ConfigMap',
      'Widget',
    ].map((kind) => ({
      apiVersion:
        kind === 'CustomResourceDefinition'
          ? 'apiextensions.k8s.io/v1'
          : kind === 'StorageClass'
            ? 'storage.k8s.io/v1'
            : 'v1',
      kind,
      metadata: { name: kind.toLowerCase() },
    }));
    expect(sortForApply(objs).map((o) => o.kind)).toEqual([
      'CustomResourceDefinition',
      'Namespace',
      'StorageClass',
      'ConfigMap',
      'Service',
      'Deployment',
      'Widget',
    ]);
    expect(objs.map(stageOf)).toEqual([
      'resources',
      'resources',
      'classes',
      'definitions',
      'definitions',
      'resources',
      'resources',
    ]);
  });
});

describe('objectHealth', () => {
  it('reads workloads, jobs, pods and Flux objects', () => {
    const deployment = (status: Record<string, unknown>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', generation: 2 },
      spec: { replicas: 2 },
      status,
    });
    expect(objectHealth(deployment({ observedGeneration: 1 })).status).toBe('InProgress');
    expect(
      objectHealth(
        deployment({
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        }),
      ).status,
    ).toBe('Current');
    expect(
      objectHealth(
        deployment({
          observedGeneration: 2,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
        }),
      ).status,
    ).toBe('Failed');
    const job = (conditions: unknown[]) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      status: { conditions },
    });
    expect(objectHealth(job([{ type: 'Complete', status: 'True' }])).status).toBe('Current');
    expect(objectHealth(job([{ type: 'Failed', status: 'True' }])).status).toBe('Failed');
    expect(objectHealth(job([])).status).toBe('InProgress');
    const ks = (conditions: unknown[]) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'k', generation: 1 },
      status: { observedGeneration: 1, conditions },
    });
    expect(objectHealth(ks([{ type: 'Ready', status: 'True' }])).status).toBe('Current');
    expect(objectHealth(ks([{ type: 'Stalled', status: 'True' }])).status).toBe('Failed');
    expect(objectHealth(undefined).status).toBe('NotFound');
    expect(
      objectHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', deletionTimestamp: 'x' } })
        .status,
    ).toBe('Terminating');
  });
});
