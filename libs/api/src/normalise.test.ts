import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kind-spec.js';
import {
  CONVERSION_ANNOTATION,
  UnknownKindError,
  conversionRecord,
  fromStorage,
  toStorage,
  versionOf,
} from './normalise.js';
import { allKinds } from './registry.js';
import { validateObject } from './validate.js';

const KS = 'kustomize.toolkit.fluxcd.io';
const SRC = 'source.toolkit.fluxcd.io';

const kustomization = (
  version: string,
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: `${KS}/${version}`,
  kind: 'Kustomization',
  metadata: { name: 'game-app', namespace: 'apps', annotations: { owner: 'team-a' } },
  spec: { interval: '5m0s', prune: true, sourceRef: { kind: 'GitRepository', name: 'game-repo' }, ...spec },
  ...extra,
});

/** toStorage must produce a valid storage object; fromStorage must give back exactly what was written. */
function roundTrip(obj: KubeObject): KubeObject {
  const stored = toStorage(obj);
  const check = validateObject(stored);
  expect(check.errors.map((e) => e.message)).toEqual([]);
  expect(check.unknownFields).toEqual([]);
  expect(fromStorage(stored, versionOf(obj))).toEqual(obj);
  return stored;
}

describe('Kustomization v1beta2 ⇄ v1 (kustomize.md §10)', () => {
  it('drops `validation` from the storage shape and restores it when read as v1beta2', () => {
    const stored = roundTrip(
      kustomization('v1beta2', { path: './overlays/production', validation: 'client' }),
    );
    expect(stored.apiVersion).toBe(`${KS}/v1`);
    expect(stored.spec).toEqual({
      interval: '5m0s',
      prune: true,
      path: './overlays/production',
      sourceRef: { kind: 'GitRepository', name: 'game-repo' },
    });
    expect(conversionRecord(stored)).toMatchObject({
      from: 'v1beta2',
      fields: [{ path: ['spec', 'validation'], value: 'client' }],
    });
    expect((stored.metadata?.annotations as Record<string, string>).owner).toBe('team-a');
  });

  it('maps patchesStrategicMerge and patchesJson6902 into patches, in kustomize order, and back', () => {
    const smp = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2 },
    };
    const target = { kind: 'Deployment', name: 'web' };
    const stored = roundTrip(
      kustomization('v1beta2', {
        patches: [{ patch: 'own', target }],
        patchesStrategicMerge: [smp],
        patchesJson6902: [{ target, patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }] }],
      }),
    );
    expect(stored.spec).toMatchObject({
      patches: [
        { patch: JSON.stringify(smp) },
        { patch: 'own', target },
        { patch: '[{"op":"replace","path":"/spec/replicas","value":3}]', target },
      ],
    });
  });

  it('does not resurrect old fields once the spec was changed through v1', () => {
    const stored = toStorage(
      kustomization('v1beta2', { validation: 'client', patchesStrategicMerge: [{ kind: 'X' }] }),
    );
    const edited = { ...stored, spec: { ...(stored.spec as object), patches: [], path: './other' } };
    const asOld = fromStorage(edited, 'v1beta2');
    expect(asOld.spec).toEqual({
      interval: '5m0s',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'game-repo' },
      patches: [],
      path: './other',
    });
    expect(asOld.metadata?.annotations).toEqual({ owner: 'team-a' });
  });

  it('keeps restoring old fields while only status changes', () => {
    const stored = toStorage(kustomization('v1beta2', { validation: 'server' }));
    const withStatus = { ...stored, status: { observedGeneration: 1, lastAppliedRevision: 'main@sha1:abc' } };
    expect(fromStorage(withStatus, 'v1beta2')).toMatchObject({
      spec: { validation: 'server' },
      status: withStatus.status,
    });
  });

  it('prunes v1-only fields when a v1 object is read as v1beta2', () => {
    const v1 = kustomization('v1', {
      deletionPolicy: 'Orphan',
      namePrefix: 'a-',
      dependsOn: [{ name: 'x', readyExpr: 'true' }],
    });
    const asOld = fromStorage(v1, 'v1beta2');
    expect(asOld.apiVersion).toBe(`${KS}/v1beta2`);
    expect(asOld.spec).toEqual({
      interval: '5m0s',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'game-repo' },
      dependsOn: [{ name: 'x' }],
    });
  });

  it('v1beta1: drops status.snapshot and the v1beta1 fields, restores them', () => {
    const stored = roundTrip(
      kustomization(
        'v1beta1',
        { validation: 'client' },
        { status: { snapshot: { checksum: 'abc', entries: [{ namespace: 'a', kinds: { x: 'Y' } }] } } },
      ),
    );
    expect(stored.status).toEqual({});
  });
});

describe('HelmChart v1beta2/v1beta1 ⇄ v1 (source.md §7)', () => {
  const chart = (version: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: `${SRC}/${version}`,
    kind: 'HelmChart',
    metadata: { name: 'podinfo' },
    spec: { chart: 'podinfo', interval: '5m', sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  });

  it.each(['v1beta2', 'v1beta1'])(
    '%s prepends valuesFile to valuesFiles and takes it back out',
    (version) => {
      expect(
        roundTrip(chart(version, { valuesFile: 'base.yaml', valuesFiles: ['prod.yaml'] })).spec,
      ).toMatchObject({
        valuesFiles: ['base.yaml', 'prod.yaml'],
      });
      expect(roundTrip(chart(version, { valuesFile: 'only.yaml' })).spec).toMatchObject({
        valuesFiles: ['only.yaml'],
      });
    },
  );

  it('leaves valuesFiles of a v1 object alone when read as v1beta2', () => {
    const v1 = chart('v1', { valuesFiles: ['a.yaml', 'b.yaml'], ignoreMissingValuesFiles: true });
    expect(fromStorage(v1, 'v1beta2').spec).toMatchObject({
      valuesFiles: ['a.yaml', 'b.yaml'],
      ignoreMissingValuesFiles: true,
    });
  });
});

describe('source v1beta2/v1beta1 ⇄ v1', () => {
  it('GitRepository v1beta2: gitImplementation and accessFrom leave the storage shape and come back', () => {
    const old: KubeObject = {
      apiVersion: `${SRC}/v1beta2`,
      kind: 'GitRepository',
      metadata: { name: 'podinfo' },
      spec: {
        url: 'https://github.com/stefanprodan/podinfo',
        interval: '1m',
        gitImplementation: 'go-git',
        accessFrom: { namespaceSelectors: [{ matchLabels: { a: 'b' } }] },
        verify: { mode: 'head', secretRef: { name: 'pgp' } },
      },
    };
    const stored = roundTrip(old);
    expect(stored.spec).toEqual({
      url: 'https://github.com/stefanprodan/podinfo',
      interval: '1m',
      verify: { mode: 'head', secretRef: { name: 'pgp' } },
    });
  });

  it('OCIRepository v1beta2 has the v1 spec: only apiVersion changes, no annotation', () => {
    const old: KubeObject = {
      apiVersion: `${SRC}/v1beta2`,
      kind: 'OCIRepository',
      metadata: { name: 'kyverno' },
      spec: {
        interval: '120m0s',
        provider: 'generic',
        url: 'oci://ghcr.io/kyverno/manifests/kyverno',
        ref: { tag: 'v1.14.4' },
        verify: { provider: 'cosign' },
      },
    };
    const stored = roundTrip(old);
    expect(stored).toEqual({ ...old, apiVersion: `${SRC}/v1` });
  });

  it('HelmRepository v1beta1 → v1 → v1beta1', () => {
    roundTrip({
      apiVersion: `${SRC}/v1beta1`,
      kind: 'HelmRepository',
      metadata: { name: 'podinfo' },
      spec: {
        interval: '5m',
        url: 'https://stefanprodan.github.io/podinfo',
        accessFrom: { namespaceSelectors: [] },
      },
    });
  });

  it('Bucket v1beta1 → v1 → v1beta1', () => {
    roundTrip({
      apiVersion: `${SRC}/v1beta1`,
      kind: 'Bucket',
      metadata: { name: 'b' },
      spec: { bucketName: 'b', endpoint: 'minio:9000', interval: '5m', provider: 'generic' },
    });
  });
});

describe('HelmRelease v2beta1 ⇄ v2 through the same driver', () => {
  it('round-trips a v2beta1 release with a chart valuesFile', () => {
    const old: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'apps' },
      spec: {
        interval: '5m',
        releaseName: 'podinfo',
        chart: {
          spec: {
            chart: 'podinfo',
            sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
            valuesFile: 'values-prod.yaml',
          },
        },
        values: { replicaCount: 2 },
      },
    };
    const stored = toStorage(old);
    expect(stored.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(stored.spec).toMatchObject({ chart: { spec: { valuesFiles: ['values-prod.yaml'] } } });
    expect(fromStorage(stored, 'v2beta1')).toEqual(old);
  });
});

describe('generic behaviour', () => {
  it('round-trips a bare object of every served version of every kind', () => {
    for (const kind of allKinds) {
      for (const version of kind.versions) {
        const obj: KubeObject = {
          apiVersion: `${kind.group}/${version.name}`,
          kind: kind.kind,
          metadata: { name: 'x' },
        };
        const stored = toStorage(obj);
        expect(stored.apiVersion, `${kind.kind} ${version.name}`).toBe(
          `${kind.group}/${kind.versions[0]?.name}`,
        );
        expect(fromStorage(stored, version.name), `${kind.kind} ${version.name}`).toEqual(obj);
      }
    }
  });

  it('prunes unknown fields of a storage-version object without recording them', () => {
    const stored = toStorage(kustomization('v1', { bogus: 1 }));
    expect(stored.spec).not.toHaveProperty('bogus');
    expect(stored.metadata?.annotations).toEqual({ owner: 'team-a' });
  });

  it('does not modify its input', () => {
    const obj = kustomization('v1beta2', { validation: 'client' });
    const copy = structuredClone(obj);
    fromStorage(toStorage(obj), 'v1beta2');
    expect(obj).toEqual(copy);
  });

  it('throws UnknownKindError for kinds and versions that are not served', () => {
    expect(() => toStorage({ apiVersion: `${SRC}/v1alpha1`, kind: 'GitRepository' })).toThrow(
      UnknownKindError,
    );
    expect(() => toStorage({ apiVersion: 'apps/v1', kind: 'Deployment' })).toThrow(/no kind "Deployment"/);
    expect(() => fromStorage(kustomization('v1', {}), 'v2')).toThrow(UnknownKindError);
  });

  it('ignores a malformed conversion annotation', () => {
    const obj = kustomization('v1', {});
    (obj.metadata as { annotations: Record<string, string> }).annotations[CONVERSION_ANNOTATION] =
      '{not json';
    expect(conversionRecord(obj)).toBeUndefined();
    expect(fromStorage(obj, 'v1beta2').metadata?.annotations).toEqual({ owner: 'team-a' });
  });
});
