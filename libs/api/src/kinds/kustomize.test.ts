import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kind-spec.js';
import { validateObject } from '../validate.js';
import { legacyPatchesOf } from './kustomize.js';

const G = 'kustomize.toolkit.fluxcd.io';

const ks = (
  version: string,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
): KubeObject => ({
  apiVersion: `${G}/${version}`,
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
  ...(status ? { status } : {}),
});

function check(obj: KubeObject) {
  const { errors, unknownFields, object } = validateObject(obj);
  return { errors: errors.map((e) => e.message), unknownFields, object };
}

const selector = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  name: 'web',
  namespace: 'apps',
  labelSelector: 'a=b',
  annotationSelector: 'c=d',
};

describe('Kustomization v1', () => {
  it('accepts every field of kustomize.md §1 and defaults force', () => {
    const result = check(
      ks('v1', {
        sourceRef: {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'ExternalArtifact',
          name: 'apps',
          namespace: 'other',
        },
        retryInterval: '2m',
        timeout: '5m',
        path: './apps',
        deletionPolicy: 'WaitForTermination',
        suspend: false,
        targetNamespace: 'apps',
        namePrefix: 'p-',
        nameSuffix: '-s',
        commonMetadata: { labels: { team: 'a' }, annotations: { note: 'x' } },
        patches: [{ patch: '- op: remove\n  path: /spec/replicas', target: selector }],
        images: [{ name: 'podinfo', newName: 'ghcr.io/podinfo', newTag: '6.0.0', digest: 'sha256:abc' }],
        components: ['../components/a'],
        ignoreMissingComponents: true,
        buildMetadata: ['originAnnotations', 'transformerAnnotations'],
        postBuild: {
          substitute: { cluster: 'prod' },
          substituteFrom: [
            { kind: 'ConfigMap', name: 'vars' },
            { kind: 'Secret', name: 'secret-vars', optional: true },
          ],
          substituteStrategy: 'Always',
        },
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' }, serviceAccountName: 'kms' },
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' }],
        wait: false,
        healthCheckExprs: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            current: 'status.ready',
            failed: 'false',
            inProgress: 'false',
          },
        ],
        ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }],
        serviceAccountName: 'deployer',
        kubeConfig: { secretRef: { name: 'remote', key: 'value.yaml' } },
        dependsOn: [{ name: 'infra', namespace: 'flux-system', readyExpr: 'dep.status.ready' }],
      }),
    );
    expect(result).toMatchObject({ errors: [], unknownFields: [] });
    expect(result.object.spec).toMatchObject({ force: false });
    expect(result.object.status).toEqual({ observedGeneration: -1 });
  });

  it('requires interval, prune and sourceRef, and checks enums and lengths', () => {
    expect(check({ apiVersion: `${G}/v1`, kind: 'Kustomization', metadata: {}, spec: {} }).errors).toEqual([
      'spec.interval: Required value',
      'spec.prune: Required value',
      'spec.sourceRef: Required value',
    ]);
    expect(
      check(
        ks('v1', {
          sourceRef: { kind: 'HelmRepository', name: 'x' },
          deletionPolicy: 'Keep',
          targetNamespace: 'x'.repeat(64),
          namePrefix: '',
          postBuild: { substituteFrom: [{ kind: 'Secret', name: '' }], substituteStrategy: 'Never' },
          buildMetadata: ['managedByLabel'],
          interval: '10 minutes',
          prune: 'yes',
        }),
      ).errors,
    ).toEqual([
      'spec.buildMetadata[0]: Unsupported value: "managedByLabel": supported values: "originAnnotations", "transformerAnnotations"',
      'spec.deletionPolicy: Unsupported value: "Keep": supported values: "MirrorPrune", "Delete", "WaitForTermination", "Orphan"',
      `spec.interval: Invalid value: "10 minutes": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'`,
      'spec.namePrefix: Invalid value: "": spec.namePrefix in body should be at least 1 chars long',
      'spec.postBuild.substituteFrom[0].name: Invalid value: "": spec.postBuild.substituteFrom[0].name in body should be at least 1 chars long',
      'spec.postBuild.substituteStrategy: Unsupported value: "Never": supported values: "WithVariables", "Always"',
      'spec.prune: Invalid value: "string": spec.prune in body must be of type boolean: "string"',
      'spec.sourceRef.kind: Unsupported value: "HelmRepository": supported values: "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      'spec.targetNamespace: Too long: may not be longer than 63',
    ]);
  });

  it('accepts the status controllers write, including inventory and history', () => {
    const status = {
      observedGeneration: 3,
      lastAppliedRevision: 'main@sha1:abc',
      lastAppliedOriginRevision: 'v1.0.0@sha1:def',
      lastAttemptedRevision: 'main@sha1:abc',
      lastHandledReconcileAt: '2024-01-01T00:00:00Z',
      inventory: { entries: [{ id: 'default_podinfo__Service', v: 'v1' }] },
      history: [
        {
          digest: 'sha256:abc',
          firstReconciled: '2024-01-01T00:00:00Z',
          lastReconciled: '2024-01-02T00:00:00Z',
          lastReconciledDuration: '1.5s',
          lastReconciledStatus: 'ReconciliationSucceeded',
          totalReconciliations: 4,
          metadata: { revision: 'main@sha1:abc' },
        },
      ],
    };
    expect(check(ks('v1', {}, status))).toMatchObject({ errors: [], unknownFields: [] });
  });

  it('does not know v1beta2-only fields', () => {
    expect(check(ks('v1', { validation: 'client', patchesStrategicMerge: [{}] })).unknownFields).toEqual([
      'spec.validation',
      'spec.patchesStrategicMerge',
    ]);
  });
});

describe('Kustomization v1beta2', () => {
  it('accepts the worked example of kustomize.md §11 (validation: client)', () => {
    const obj = ks('v1beta2', {
      interval: '5m0s',
      path: './overlays/production',
      validation: 'client',
      sourceRef: { kind: 'GitRepository', name: 'game-repo' },
    });
    expect(check(obj)).toMatchObject({ errors: [], unknownFields: [] });
  });

  it('accepts the legacy patch fields and rejects v1-only fields', () => {
    const obj = ks('v1beta2', {
      patchesStrategicMerge: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      ],
      patchesJson6902: [
        {
          target: selector,
          patch: [
            { op: 'add', path: '/spec/replicas', value: 3 },
            { op: 'move', from: '/a', path: '/b' },
          ],
        },
      ],
      kubeConfig: { secretRef: { name: 'remote' } },
      decryption: { provider: 'sops', secretRef: { name: 'sops' } },
      dependsOn: [{ name: 'infra' }],
      wait: true,
    });
    expect(check(obj)).toMatchObject({ errors: [], unknownFields: [] });
    expect(
      check(
        ks('v1beta2', {
          deletionPolicy: 'Delete',
          namePrefix: 'x',
          sourceRef: { kind: 'ExternalArtifact', name: 'x' },
        }),
      ),
    ).toMatchObject({
      errors: [
        'spec.sourceRef.kind: Unsupported value: "ExternalArtifact": supported values: "OCIRepository", "GitRepository", "Bucket"',
      ],
      unknownFields: ['spec.deletionPolicy', 'spec.namePrefix'],
    });
  });

  it('checks JSON6902 operations and requires their target', () => {
    const obj = ks('v1beta2', {
      patchesJson6902: [{ patch: [{ op: 'merge', path: '/a' }] }],
      validation: 'strict',
    });
    expect(check(obj).errors).toEqual([
      'spec.patchesJson6902[0].target: Required value',
      'spec.patchesJson6902[0].patch[0].op: Unsupported value: "merge": supported values: "test", "remove", "add", "replace", "move", "copy"',
      'spec.validation: Unsupported value: "strict": supported values: "none", "client", "server"',
    ]);
  });
});

describe('Kustomization v1beta1', () => {
  it('accepts the legacy snapshot status and GitRepository/Bucket sources only', () => {
    const status = {
      snapshot: {
        checksum: 'abc',
        entries: [{ namespace: 'apps', kinds: { 'apps/v1, Kind=Deployment': 'Deployment' } }],
      },
    };
    expect(check(ks('v1beta1', { validation: 'server' }, status))).toMatchObject({
      errors: [],
      unknownFields: [],
    });
    expect(check(ks('v1beta1', { sourceRef: { kind: 'OCIRepository', name: 'x' } })).errors).toEqual([
      'spec.sourceRef.kind: Unsupported value: "OCIRepository": supported values: "GitRepository", "Bucket"',
    ]);
  });
});

describe('legacyPatchesOf', () => {
  it('writes strategic-merge patches and JSON6902 operations as patch text with their targets', () => {
    const spec = {
      patchesStrategicMerge: [
        { kind: 'Deployment', metadata: { name: 'web' } },
        'kind: Service\nmetadata:\n  name: web\n',
      ],
      patchesJson6902: [
        { target: { kind: 'Deployment', name: 'web' }, patch: [{ op: 'remove', path: '/spec/replicas' }] },
      ],
    };
    expect(legacyPatchesOf(spec)).toEqual({
      before: [
        { patch: '{"kind":"Deployment","metadata":{"name":"web"}}' },
        { patch: 'kind: Service\nmetadata:\n  name: web\n' },
      ],
      after: [
        { patch: '[{"op":"remove","path":"/spec/replicas"}]', target: { kind: 'Deployment', name: 'web' } },
      ],
    });
  });
});
