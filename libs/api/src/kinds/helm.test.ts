import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { createKindRegistry } from '../kind-registry.js';
import type { KubeObject } from '../kind-spec.js';
import { fromStorage, toStorage } from '../normalise.js';
import { errorPaths, variant, versionOf } from '../test-support/kind-schemas.js';
import { helmKinds } from './helm.js';

const [helmRelease] = helmKinds;
if (!helmRelease) throw new Error('helmKinds is empty');
const registry = createKindRegistry(helmKinds);

const version = (name: string) => versionOf(helmRelease, name);
const schemaOf = (name: string): TObject => version(name).schema;

const condition = {
  type: 'Ready',
  status: 'True',
  observedGeneration: 2,
  lastTransitionTime: '2024-05-01T10:00:00Z',
  reason: 'InstallSucceeded',
  message: 'Helm install succeeded for release apps/podinfo.v1 with chart podinfo@6.5.4',
};

const snapshot = {
  apiVersion: 'v2',
  digest: 'sha256:0cc9a8446c95aa0cc9a8446c95aa0cc9a8446c95aa0cc9a8446c95aa0cc9a844',
  name: 'podinfo',
  namespace: 'apps',
  version: 1,
  status: 'deployed',
  chartName: 'podinfo',
  chartVersion: '6.5.4',
  configDigest: 'sha256:ab12',
  firstDeployed: '2024-05-01T10:00:00Z',
  lastDeployed: '2024-05-01T10:00:00Z',
  testHooks: { 'podinfo-grpc-test': { lastStarted: '2024-05-01T10:01:00Z', phase: 'Succeeded' } },
};

const v2Release = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'podinfo', namespace: 'apps' },
  spec: {
    interval: '10m',
    timeout: '5m0s',
    chart: {
      metadata: { labels: { team: 'web' }, annotations: { note: 'x' } },
      spec: {
        chart: 'podinfo',
        version: '6.5.*',
        sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' },
        interval: '5m',
        reconcileStrategy: 'ChartVersion',
        valuesFiles: ['values.yaml', 'values-prod.yaml'],
        ignoreMissingValuesFiles: true,
        verify: { provider: 'notation', secretRef: { name: 'trust' } },
      },
    },
    releaseName: 'podinfo',
    targetNamespace: 'web',
    storageNamespace: 'apps',
    maxHistory: 5,
    persistentClient: true,
    serviceAccountName: 'deployer',
    kubeConfig: { secretRef: { name: 'remote', key: 'value.yaml' } },
    dependsOn: [{ name: 'redis', namespace: 'data', readyExpr: 'dep.status.observedGeneration > 0' }],
    suspend: false,
    values: { replicaCount: 2, ingress: { enabled: true, hosts: [{ host: 'a.example.com' }] } },
    valuesFrom: [
      { kind: 'ConfigMap', name: 'podinfo-values', valuesKey: 'values.yaml' },
      {
        kind: 'Secret',
        name: 'podinfo-tls',
        valuesKey: 'tls.crt',
        targetPath: 'tls.crt\\.pem',
        optional: true,
      },
      { kind: 'ConfigMap', name: 'flags', valuesKey: 'flag', targetPath: 'list[0].name', literal: true },
    ],
    install: {
      timeout: '10m',
      remediation: { retries: 3, ignoreTestFailures: false, remediateLastFailure: true },
      strategy: { name: 'RetryOnFailure', retryInterval: '2m' },
      crds: 'CreateReplace',
      createNamespace: true,
      replace: false,
      skipCRDs: false,
      disableHooks: false,
      disableWait: false,
      disableWaitForJobs: false,
      disableOpenAPIValidation: false,
      disableSchemaValidation: false,
      disableTakeOwnership: false,
      serverSideApply: true,
    },
    upgrade: {
      remediation: { retries: -1, strategy: 'uninstall' },
      strategy: { name: 'RemediateOnFailure' },
      crds: 'Skip',
      cleanupOnFail: true,
      force: false,
      preserveValues: false,
      serverSideApply: 'auto',
      chartNameChangeStrategy: 'InPlaceUpdate',
    },
    test: { enable: true, timeout: '3m', ignoreFailures: false, filters: [{ name: 'smoke', exclude: true }] },
    rollback: {
      timeout: '5m',
      cleanupOnFail: true,
      force: false,
      recreate: false,
      serverSideApply: 'enabled',
    },
    uninstall: { keepHistory: false, deletionPropagation: 'foreground', timeout: '5m' },
    driftDetection: {
      mode: 'enabled',
      ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'podinfo' } }],
    },
    postRenderers: [
      {
        kustomize: {
          patches: [
            { patch: '- op: add\n  path: /metadata/labels/x\n  value: y', target: { kind: 'Deployment' } },
          ],
          images: [{ name: 'ghcr.io/stefanprodan/podinfo', newTag: '6.5.4', digest: 'sha256:abc' }],
        },
      },
    ],
    commonMetadata: { labels: { env: 'prod' }, annotations: { owner: 'web' } },
    postRenderStrategy: 'nohooks',
    waitStrategy: { name: 'legacy' },
    healthCheckExprs: [{ apiVersion: 'example.com/v1', kind: 'Widget', current: 'status.ready == true' }],
  },
  status: {
    observedGeneration: 2,
    conditions: [condition],
    helmChart: 'flux-system/apps-podinfo',
    storageNamespace: 'apps',
    history: [{ ...snapshot, action: 'install', appVersion: '6.5.4' }],
    inventory: { entries: [{ id: 'web_podinfo_apps_Deployment', v: 'v1' }] },
    failures: 0,
    installFailures: 0,
    upgradeFailures: 0,
    lastAttemptedGeneration: 2,
    lastAttemptedRevision: '6.5.4',
    lastAttemptedRevisionDigest: 'sha256:0cc9a8446c95',
    lastAttemptedConfigDigest: 'sha256:ab12',
    lastAttemptedReleaseAction: 'install',
    lastAttemptedReleaseActionDuration: '12.5s',
    observedPostRenderersDigest: 'sha256:aa',
    observedCommonMetadataDigest: 'sha256:bb',
    lastHandledReconcileAt: '2024-05-01T10:00:00Z',
    lastHandledForceAt: '1',
    lastHandledResetAt: '1',
  },
};

const v2ChartRefRelease = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'podinfo-oci', namespace: 'apps' },
  spec: {
    interval: '1h',
    chartRef: { kind: 'ExternalArtifact', name: 'podinfo', namespace: 'flux-system' },
    kubeConfig: { configMapRef: { name: 'remote-cluster' } },
  },
};

// The user's v2beta1 manifest of helm.md §11, plus legacy-only fields and v2beta1-era status.
const v2beta1Release = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
  kind: 'HelmRelease',
  metadata: { name: 'game-chart', namespace: 'games' },
  spec: {
    interval: '10m',
    chart: {
      spec: {
        chart: './charts/game',
        sourceRef: { kind: 'GitRepository', name: 'game-repo' },
        version: '>=1.2.0',
        valuesFile: 'values-base.yaml',
        valuesFiles: ['values-prod.yaml'],
        verify: { provider: 'cosign' },
      },
    },
    values: { replicaCount: 3 },
    serviceAccountName: 'x',
    kubeConfig: { secretRef: { name: 'remote' } },
    test: { enable: true },
    postRenderers: [
      {
        kustomize: {
          patchesStrategicMerge: [
            { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'game' }, spec: { replicas: 1 } },
          ],
          patches: [{ patch: 'kind: Service\nmetadata:\n  name: game' }],
          patchesJson6902: [
            {
              target: { version: 'v1', kind: 'Service', name: 'game' },
              patch: [{ op: 'add', path: '/metadata/annotations/x', value: { nested: ['y'] } }],
            },
          ],
          images: [{ name: 'game', newTag: '1.2.3' }],
        },
      },
    ],
  },
  status: {
    observedGeneration: 1,
    conditions: [condition],
    helmChart: 'games/games-game-chart',
    lastAppliedRevision: '1.2.4',
    lastAttemptedRevision: '1.2.4',
    lastAttemptedValuesChecksum: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    lastReleaseRevision: 1,
    lastAttemptedReleaseAction: 'install',
    history: [
      { ...snapshot, name: 'game-chart', namespace: 'games', chartName: 'game', chartVersion: '1.2.4' },
    ],
  },
};

const v2beta2Release = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2beta2',
  kind: 'HelmRelease',
  metadata: { name: 'podinfo', namespace: 'apps' },
  spec: {
    interval: '5m',
    chartRef: { kind: 'OCIRepository', name: 'podinfo' },
    test: { enable: true, filters: [{ name: 'smoke' }] },
    upgrade: { remediation: { retries: 2, strategy: 'rollback' } },
    postRenderers: [
      { kustomize: { patchesStrategicMerge: [{ kind: 'ConfigMap', metadata: { name: 'a' } }] } },
    ],
  },
  status: { lastAppliedRevision: '6.5.4', lastAttemptedReleaseAction: 'upgrade', storageNamespace: 'apps' },
};

describe('HelmRelease kind', () => {
  it('is served as v2 (storage), v2beta2 and v2beta1 with the short name hr', () => {
    expect(helmRelease.group).toBe('helm.toolkit.fluxcd.io');
    expect(helmRelease.versions.map((v) => v.name)).toEqual(['v2', 'v2beta2', 'v2beta1']);
    expect([helmRelease.plural, helmRelease.singular, helmRelease.listKind]).toEqual([
      'helmreleases',
      'helmrelease',
      'HelmReleaseList',
    ]);
    expect(helmRelease.shortNames).toEqual(['hr']);
    expect(helmRelease.categories).toEqual(['all', 'fluxcd', 'fluxcd-appliers']);
  });

  it('marks the old versions deprecated with Flux warnings and shows Age/Ready/Status', () => {
    expect(version('v2').deprecated).toBeUndefined();
    expect(version('v2beta2').deprecationWarning).toBe('v2beta2 HelmRelease is deprecated, upgrade to v2');
    expect(version('v2beta1').deprecationWarning).toBe('v2beta1 HelmRelease is deprecated, upgrade to v2');
    for (const v of helmRelease.versions)
      expect(v.printerColumns.map((c) => c.name)).toEqual(['Age', 'Ready', 'Status']);
  });

  it('carries the chart/chartRef exclusivity rule for the API server on v2 and v2beta2 only', () => {
    const rulesOf = (name: string) =>
      (schemaOf(name).properties.spec as Record<string, unknown>)['x-kubernetes-validations'];
    expect(JSON.stringify(rulesOf('v2'))).toContain('either chart or chartRef must be set');
    expect(JSON.stringify(rulesOf('v2beta2'))).toContain('either chart or chartRef must be set');
    expect(rulesOf('v2beta1')).toBeUndefined();
  });
});

describe('HelmRelease schemas accept valid objects', () => {
  it.each([
    ['v2', v2Release],
    ['v2', v2ChartRefRelease],
    ['v2beta2', v2beta2Release],
    ['v2beta1', v2beta1Release],
  ])('%s %#', (name, obj) => {
    expect(errorPaths(schemaOf(name), obj)).toEqual([]);
  });

  it('accepts the minimal worked example in every version', () => {
    const minimal = {
      spec: {
        interval: '10m',
        chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmRepository', name: 'r' } } },
      },
    };
    for (const name of ['v2', 'v2beta2', 'v2beta1']) expect(Value.Check(schemaOf(name), minimal)).toBe(true);
  });
});

describe('HelmRelease schemas reject invalid objects', () => {
  const v2 = schemaOf('v2');

  it.each([
    [
      'missing interval',
      (o: typeof v2Release) => delete (o.spec as Partial<typeof o.spec>).interval,
      '/spec/interval',
    ],
    ['day unit in interval', (o: typeof v2Release) => (o.spec.interval = '1d'), '/spec/interval'],
    ['spaced duration', (o: typeof v2Release) => (o.spec.install.timeout = '10 m'), '/spec/install/timeout'],
    [
      'sourceRef without kind',
      (o: typeof v2Release) => delete (o.spec.chart.spec.sourceRef as { kind?: string }).kind,
      '/spec/chart/spec/sourceRef/kind',
    ],
    [
      'unknown source kind',
      (o: typeof v2Release) => (o.spec.chart.spec.sourceRef.kind = 'OCIRepository'),
      '/spec/chart/spec/sourceRef/kind',
    ],
    ['empty chart name', (o: typeof v2Release) => (o.spec.chart.spec.chart = ''), '/spec/chart/spec/chart'],
    [
      'release name over 53',
      (o: typeof v2Release) => (o.spec.releaseName = 'r'.repeat(54)),
      '/spec/releaseName',
    ],
    [
      'target namespace over 63',
      (o: typeof v2Release) => (o.spec.targetNamespace = 'n'.repeat(64)),
      '/spec/targetNamespace',
    ],
    [
      'empty storage namespace',
      (o: typeof v2Release) => (o.spec.storageNamespace = ''),
      '/spec/storageNamespace',
    ],
    ['bad CRD policy', (o: typeof v2Release) => (o.spec.install.crds = 'Always'), '/spec/install/crds'],
    [
      'bad drift mode',
      (o: typeof v2Release) => (o.spec.driftDetection.mode = 'on'),
      '/spec/driftDetection/mode',
    ],
    [
      'bad deletion propagation',
      (o: typeof v2Release) => (o.spec.uninstall.deletionPropagation = 'cascade'),
      '/spec/uninstall/deletionPropagation',
    ],
    [
      'bad upgrade SSA mode',
      (o: typeof v2Release) => (o.spec.upgrade.serverSideApply = 'true'),
      '/spec/upgrade/serverSideApply',
    ],
    [
      'bad remediation strategy',
      (o: typeof v2Release) => (o.spec.upgrade.remediation.strategy = 'retry'),
      '/spec/upgrade/remediation/strategy',
    ],
    [
      'strategy without name',
      (o: typeof v2Release) => delete (o.spec.install.strategy as { name?: string }).name,
      '/spec/install/strategy/name',
    ],
    [
      'fractional retries',
      (o: typeof v2Release) => (o.spec.install.remediation.retries = 1.5),
      '/spec/install/remediation/retries',
    ],
    [
      'bad post-render strategy',
      (o: typeof v2Release) => (o.spec.postRenderStrategy = 'hooks'),
      '/spec/postRenderStrategy',
    ],
    [
      'bad wait strategy',
      (o: typeof v2Release) => (o.spec.waitStrategy.name = 'kstatus'),
      '/spec/waitStrategy/name',
    ],
    [
      'values as a list',
      (o: typeof v2Release) => ((o.spec as Record<string, unknown>).values = [1, 2]),
      '/spec/values',
    ],
    [
      'values kind',
      (o: typeof v2Release) => ((o.spec.valuesFrom[0] as { kind: string }).kind = 'Secrets'),
      '/spec/valuesFrom/0/kind',
    ],
    [
      'values key with a slash',
      (o: typeof v2Release) => (o.spec.valuesFrom[0]!.valuesKey = 'a/b'),
      '/spec/valuesFrom/0/valuesKey',
    ],
    [
      'target path over 250',
      (o: typeof v2Release) => (o.spec.valuesFrom[1]!.targetPath = 'a'.repeat(251)),
      '/spec/valuesFrom/1/targetPath',
    ],
    [
      'target path with a space',
      (o: typeof v2Release) => (o.spec.valuesFrom[1]!.targetPath = 'a b'),
      '/spec/valuesFrom/1/targetPath',
    ],
    [
      'empty test filter name',
      (o: typeof v2Release) => (o.spec.test.filters[0]!.name = ''),
      '/spec/test/filters/0/name',
    ],
    [
      'drift ignore without paths',
      (o: typeof v2Release) => delete (o.spec.driftDetection.ignore[0] as { paths?: string[] }).paths,
      '/spec/driftDetection/ignore/0/paths',
    ],
    [
      'health expression without current',
      (o: typeof v2Release) => delete (o.spec.healthCheckExprs[0] as { current?: string }).current,
      '/spec/healthCheckExprs/0/current',
    ],
    [
      'bad condition status',
      (o: typeof v2Release) => (o.status.conditions[0]!.status = 'Maybe'),
      '/status/conditions/0/status',
    ],
    [
      'snapshot without digest',
      (o: typeof v2Release) => delete (o.status.history[0] as { digest?: string }).digest,
      '/status/history/0/digest',
    ],
    [
      'bad release action',
      (o: typeof v2Release) => (o.status.lastAttemptedReleaseAction = 'rollback'),
      '/status/lastAttemptedReleaseAction',
    ],
    [
      'inventory entry without v',
      (o: typeof v2Release) => delete (o.status.inventory.entries[0] as { v?: string }).v,
      '/status/inventory/entries/0/v',
    ],
  ])('v2: %s', (_case, mutate, path) => {
    const obj = variant(v2Release, mutate);
    expect(Value.Check(v2, obj)).toBe(false);
    expect(errorPaths(v2, obj)).toContain(path);
  });

  it('v2beta1 requires chart and knows no chartRef, readyExpr-free dependencies and cosign only', () => {
    const v2beta1 = schemaOf('v2beta1');
    expect(
      errorPaths(v2beta1, { spec: { interval: '1m', chartRef: { kind: 'HelmChart', name: 'c' } } }),
    ).toContain('/spec/chart');
    const notation = variant(v2beta1Release, (o) => (o.spec.chart.spec.verify.provider = 'notation'));
    expect(errorPaths(v2beta1, notation)).toContain('/spec/chart/spec/verify/provider');
    expect(
      Value.Check(schemaOf('v2beta2'), { ...notation, apiVersion: 'helm.toolkit.fluxcd.io/v2beta2' }),
    ).toBe(true);
  });

  it('v2beta2 accepts OCIRepository/HelmChart chart refs but not ExternalArtifact', () => {
    const external = variant(v2beta2Release, (o) => (o.spec.chartRef.kind = 'ExternalArtifact'));
    expect(errorPaths(schemaOf('v2beta2'), external)).toContain('/spec/chartRef/kind');
    expect(Value.Check(schemaOf('v2'), { ...external, postRenderers: undefined })).toBe(true);
  });

  it('old versions only require kubeConfig.secretRef and a sourceRef name', () => {
    const noSecret = variant(
      v2beta1Release,
      (o) => delete (o.spec.kubeConfig as { secretRef?: unknown }).secretRef,
    );
    expect(errorPaths(schemaOf('v2beta1'), noSecret)).toContain('/spec/kubeConfig/secretRef');
    const noKind = variant(
      v2beta1Release,
      (o) => delete (o.spec.chart.spec.sourceRef as { kind?: string }).kind,
    );
    expect(Value.Check(schemaOf('v2beta1'), noKind)).toBe(true);
  });

  it('rejects a legacy JSON 6902 operation outside RFC 6902 and a patch without target', () => {
    const v2beta1 = schemaOf('v2beta1');
    const badOp = variant(v2beta1Release, (o) => {
      o.spec.postRenderers[0]!.kustomize.patchesJson6902[0]!.patch[0]!.op = 'merge';
    });
    expect(errorPaths(v2beta1, badOp)).toContain(
      '/spec/postRenderers/0/kustomize/patchesJson6902/0/patch/0/op',
    );
    const noTarget = variant(v2beta1Release, (o) => {
      delete (o.spec.postRenderers[0]!.kustomize.patchesJson6902[0] as { target?: unknown }).target;
    });
    expect(errorPaths(v2beta1, noTarget)).toContain(
      '/spec/postRenderers/0/kustomize/patchesJson6902/0/target',
    );
  });
});

describe('HelmRelease v2beta* ⇄ v2 mapping', () => {
  const toV2 = (obj: KubeObject) => {
    const convert = version(
      obj.apiVersion === 'helm.toolkit.fluxcd.io/v2beta1' ? 'v2beta1' : 'v2beta2',
    ).toStorage;
    if (!convert) throw new Error('no toStorage');
    return convert(obj);
  };

  it('prepends valuesFile to valuesFiles and leaves the old field for pruning', () => {
    const converted = toV2(structuredClone(v2beta1Release)) as typeof v2beta1Release;
    expect(converted.spec.chart.spec.valuesFiles).toEqual(['values-base.yaml', 'values-prod.yaml']);
    expect(converted.spec.chart.spec.valuesFile).toBe('values-base.yaml');
  });

  it('turns legacy patches into patches in kustomize order, as text kustomize parses', () => {
    const converted = toV2(structuredClone(v2beta1Release)) as unknown as {
      spec: { postRenderers: { kustomize: { patches: { patch: string; target?: unknown }[] } }[] };
    };
    const patches = converted.spec.postRenderers[0]!.kustomize.patches;
    expect(patches).toHaveLength(3);
    expect(JSON.parse(patches[0]!.patch)).toEqual(
      v2beta1Release.spec.postRenderers[0]!.kustomize.patchesStrategicMerge[0],
    );
    expect(patches[0]!.target).toBeUndefined();
    expect(patches[1]).toEqual(v2beta1Release.spec.postRenderers[0]!.kustomize.patches[0]);
    expect(JSON.parse(patches[2]!.patch)).toEqual([
      { op: 'add', path: '/metadata/annotations/x', value: { nested: ['y'] } },
    ]);
    expect(patches[2]!.target).toEqual({ version: 'v1', kind: 'Service', name: 'game' });
  });

  it('does not touch the input object', () => {
    const input = structuredClone(v2beta1Release);
    toV2(input);
    expect(input).toEqual(v2beta1Release);
  });

  it('normalises a v2beta1 manifest into a valid v2 object without the old fields', () => {
    const stored = toStorage(structuredClone(v2beta1Release), registry) as typeof v2Release & {
      spec: { chart: { spec: Record<string, unknown> } };
    };
    expect(stored.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(stored.spec.chart.spec.valuesFile).toBeUndefined();
    expect(stored.spec.chart.spec.valuesFiles).toEqual(['values-base.yaml', 'values-prod.yaml']);
    expect(Object.keys(stored.spec.postRenderers[0]!.kustomize).sort()).toEqual(['images', 'patches']);
    expect((stored.status as Record<string, unknown>).lastAppliedRevision).toBeUndefined();
    expect(errorPaths(schemaOf('v2'), stored)).toEqual([]);
  });

  it.each([
    ['v2beta1', v2beta1Release],
    ['v2beta2', v2beta2Release],
  ])('round-trips a %s object through storage unchanged', (name, obj) => {
    const stored = toStorage(structuredClone(obj), registry);
    expect(fromStorage(stored, name, registry)).toEqual(obj);
  });

  it('reads a v2 object as v2beta1 with lastAppliedRevision from the last deployed release', () => {
    const history = [
      { ...snapshot, version: 3, status: 'failed', chartVersion: '6.6.0' },
      { ...snapshot, version: 2, status: 'deployed', chartVersion: '6.5.4' },
    ];
    const stored = { ...structuredClone(v2Release), status: { history } };
    const read = fromStorage(stored, 'v2beta1', registry) as typeof v2beta1Release;
    expect(read.apiVersion).toBe('helm.toolkit.fluxcd.io/v2beta1');
    expect(read.status.lastAppliedRevision).toBe('6.5.4');
  });

  it('keeps v2 valuesFiles intact when read as v2beta2 without a recorded valuesFile', () => {
    const read = version('v2beta2').fromStorage?.(structuredClone(v2Release)) as typeof v2Release;
    expect(read.spec.chart.spec.valuesFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    expect(read.spec.postRenderers).toEqual(v2Release.spec.postRenderers);
  });

  it('leaves patches alone on the way back when they no longer end in the converted ones', () => {
    const edited = variant(v2beta1Release, (o) => {
      const kustomize = o.spec.postRenderers[0]!.kustomize;
      kustomize.patches = [{ patch: 'edited' }];
    });
    const read = version('v2beta1').fromStorage?.(edited) as typeof v2beta1Release;
    expect(read.spec.postRenderers[0]!.kustomize.patches).toEqual([{ patch: 'edited' }]);
  });
});
