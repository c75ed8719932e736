// HelmRelease (helm.toolkit.fluxcd.io): v2 (storage), v2beta2 and v2beta1, per helm.md §1, §3, §4,
// §8 and §10. Field bounds, enums and CRD defaults follow Flux's CRDs; defaults the controller
// applies at run time (timeout 5m0s, maxHistory 5, ...) are documented, not schema defaults, so
// stored objects look like upstream's.
import { Type, type Static } from '@sinclair/typebox';
import type { KindSpec, KubeObject, PrinterColumn } from '../kind-spec.js';
import {
  CommonStatusProperties,
  Duration,
  Flag,
  FreeFormRecord,
  KustomizeSelector,
  LiteralEnum,
  LocalObjectReference,
  StringMap,
  applierCategories,
  asJsonObject,
  deprecatedVersion,
  objectRoot,
  readyColumns,
  type CelRule,
  type ObjectOf,
} from '../common.js';

const BoundedName = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Counter = () => Type.Optional(Type.Integer({ format: 'int64' }));
const Timestamp = () => Type.String({ format: 'date-time' });

// ---------------------------------------------------------------------------------------------
// Chart: a HelmChart template (`chart`) or a reference to an existing chart source (`chartRef`).

const ChartTemplateMetadata = Type.Object({
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
});

const chartSourceKinds = ['HelmRepository', 'GitRepository', 'Bucket'] as const;
const chartSourceRefProperties = {
  apiVersion: Type.Optional(Type.String()),
  name: BoundedName(253),
  namespace: Type.Optional(BoundedName(63)),
};
const ChartSourceRefV2 = Type.Object({ ...chartSourceRefProperties, kind: LiteralEnum(chartSourceKinds) });
// The v2beta2/v2beta1 CRDs only required the name.
const ChartSourceRefLegacy = Type.Object({
  ...chartSourceRefProperties,
  kind: Type.Optional(LiteralEnum(chartSourceKinds)),
});

const ChartVerification = <const P extends readonly string[]>(providers: P) =>
  Type.Object({
    provider: LiteralEnum(providers, { default: 'cosign' }),
    secretRef: Type.Optional(LocalObjectReference),
  });

const chartTemplateSpecProperties = {
  version: Type.Optional(
    Type.String({ default: '*', description: 'SemVer range; ignored for GitRepository and Bucket sources.' }),
  ),
  interval: Type.Optional(Duration('Defaults to the HelmRelease interval.')),
  reconcileStrategy: Type.Optional(LiteralEnum(['ChartVersion', 'Revision'], { default: 'ChartVersion' })),
  valuesFiles: Type.Optional(Type.Array(Type.String())),
};
const DeprecatedValuesFile = Type.Optional(
  Type.String({ description: 'Deprecated: merged before valuesFiles; converted to valuesFiles[0] in v2.' }),
);

const ChartTemplateSpecV2 = Type.Object({
  chart: BoundedName(2048),
  sourceRef: ChartSourceRefV2,
  ...chartTemplateSpecProperties,
  ignoreMissingValuesFiles: Type.Optional(Type.Boolean()),
  verify: Type.Optional(ChartVerification(['cosign', 'notation'])),
});
const ChartTemplateSpecV2beta2 = Type.Object({
  chart: BoundedName(2048),
  sourceRef: ChartSourceRefLegacy,
  ...chartTemplateSpecProperties,
  valuesFile: DeprecatedValuesFile,
  ignoreMissingValuesFiles: Type.Optional(Type.Boolean()),
  verify: Type.Optional(ChartVerification(['cosign', 'notation'])),
});
const ChartTemplateSpecV2beta1 = Type.Object({
  chart: Type.String(),
  sourceRef: ChartSourceRefLegacy,
  ...chartTemplateSpecProperties,
  valuesFile: DeprecatedValuesFile,
  verify: Type.Optional(ChartVerification(['cosign'])),
});

const ChartReference = <const K extends readonly string[]>(kinds: K) =>
  Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: LiteralEnum(kinds),
    name: BoundedName(253),
    namespace: Type.Optional(BoundedName(63)),
  });

const chartXorChartRef: CelRule = {
  message: 'either chart or chartRef must be set',
  rule: '(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))',
};

// ---------------------------------------------------------------------------------------------
// References: dependencies, remote cluster, values.

const DependencyV2 = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
  readyExpr: Type.Optional(
    Type.String({ description: 'CEL over `self` and `dep`; replaces the built-in check.' }),
  ),
});
const DependencyLegacy = Type.Object({ name: Type.String(), namespace: Type.Optional(Type.String()) });

const KubeConfigSecretRef = Type.Object({
  name: Type.String(),
  key: Type.Optional(Type.String({ description: 'Defaults to `value`, then `value.yaml`.' })),
});
const exactlyOneKubeConfigSource =
  'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified';
const KubeConfigV2 = Type.Object(
  { secretRef: Type.Optional(KubeConfigSecretRef), configMapRef: Type.Optional(LocalObjectReference) },
  {
    'x-kubernetes-validations': [
      { message: exactlyOneKubeConfigSource, rule: 'has(self.configMapRef) || has(self.secretRef)' },
      { message: exactlyOneKubeConfigSource, rule: '!has(self.configMapRef) || !has(self.secretRef)' },
    ] satisfies CelRule[],
  },
);
const KubeConfigLegacy = Type.Object({ secretRef: KubeConfigSecretRef });

const valuesReferenceProperties = {
  kind: LiteralEnum(['Secret', 'ConfigMap']),
  name: BoundedName(253),
  valuesKey: Type.Optional(
    Type.String({
      maxLength: 253,
      pattern: '^[\\-._a-zA-Z0-9]+$',
      description: 'Defaults to `values.yaml`.',
    }),
  ),
  targetPath: Type.Optional(
    Type.String({ maxLength: 250, pattern: '^([a-zA-Z0-9_\\-.\\\\\\/]|\\[[0-9]{1,5}\\])+$' }),
  ),
  optional: Flag(),
};
const ValuesReferenceV2 = Type.Object({ ...valuesReferenceProperties, literal: Flag() });
const ValuesReferenceLegacy = Type.Object(valuesReferenceProperties);

// ---------------------------------------------------------------------------------------------
// Helm actions (§3).

const crdPolicies = ['Skip', 'Create', 'CreateReplace'] as const;

const remediationProperties = {
  retries: Type.Optional(Type.Integer({ description: 'Defaults to 0; a negative value retries forever.' })),
  ignoreTestFailures: Flag(),
  remediateLastFailure: Flag(),
};
const InstallRemediation = Type.Object(remediationProperties);
const UpgradeRemediation = Type.Object({
  ...remediationProperties,
  strategy: Type.Optional(LiteralEnum(['rollback', 'uninstall'], { description: 'Defaults to rollback.' })),
});

const ActionStrategy = (rule: CelRule) =>
  Type.Object(
    {
      name: LiteralEnum(['RemediateOnFailure', 'RetryOnFailure']),
      retryInterval: Type.Optional(Duration('Defaults to 5m; only with RetryOnFailure.')),
    },
    { 'x-kubernetes-validations': [rule] },
  );
const InstallStrategy = ActionStrategy({
  message: ".retryInterval cannot be set when .name is 'RemediateOnFailure'",
  rule: "!has(self.retryInterval) || self.name != 'RemediateOnFailure'",
});
const UpgradeStrategy = ActionStrategy({
  message: ".retryInterval can only be set when .name is 'RetryOnFailure'",
  rule: "!has(self.retryInterval) || self.name == 'RetryOnFailure'",
});

const ActionTimeout = () => Type.Optional(Duration('Defaults to spec.timeout.'));
const waitProperties = { disableHooks: Flag(), disableWait: Flag(), disableWaitForJobs: Flag() };
const helm4ValidationProperties = { disableSchemaValidation: Flag(), disableTakeOwnership: Flag() };
const ServerSideApplyMode = LiteralEnum(['enabled', 'disabled', 'auto']);

const installProperties = {
  timeout: ActionTimeout(),
  remediation: Type.Optional(InstallRemediation),
  crds: Type.Optional(LiteralEnum(crdPolicies, { description: 'Defaults to Create.' })),
  createNamespace: Flag(),
  replace: Flag(),
  skipCRDs: Type.Optional(Type.Boolean({ description: 'Deprecated: use crds: Skip.' })),
  ...waitProperties,
  disableOpenAPIValidation: Flag(),
};
const InstallV2 = Type.Object({
  ...installProperties,
  ...helm4ValidationProperties,
  strategy: Type.Optional(InstallStrategy),
  serverSideApply: Flag(),
});
const InstallLegacy = Type.Object(installProperties);

const upgradeProperties = {
  timeout: ActionTimeout(),
  remediation: Type.Optional(UpgradeRemediation),
  crds: Type.Optional(LiteralEnum(crdPolicies, { description: 'Defaults to Skip.' })),
  cleanupOnFail: Flag(),
  force: Flag(),
  preserveValues: Flag(),
  ...waitProperties,
  disableOpenAPIValidation: Flag(),
};
const UpgradeV2 = Type.Object({
  ...upgradeProperties,
  ...helm4ValidationProperties,
  strategy: Type.Optional(UpgradeStrategy),
  serverSideApply: Type.Optional(ServerSideApplyMode),
  chartNameChangeStrategy: Type.Optional(
    LiteralEnum(['InPlaceUpdate', 'Reinstall'], { description: 'Defaults to Reinstall.' }),
  ),
});
const UpgradeLegacy = Type.Object(upgradeProperties);

const testProperties = { enable: Flag(), timeout: ActionTimeout(), ignoreFailures: Flag() };
const TestFilter = Type.Object({ name: BoundedName(253), exclude: Flag() });
const TestWithFilters = Type.Object({ ...testProperties, filters: Type.Optional(Type.Array(TestFilter)) });
const TestV2beta1 = Type.Object(testProperties);

const rollbackProperties = {
  timeout: ActionTimeout(),
  cleanupOnFail: Flag(),
  force: Flag(),
  recreate: Flag(),
  ...waitProperties,
};
const RollbackV2 = Type.Object({
  ...rollbackProperties,
  serverSideApply: Type.Optional(ServerSideApplyMode),
});
const RollbackLegacy = Type.Object(rollbackProperties);

const Uninstall = Type.Object({
  timeout: ActionTimeout(),
  keepHistory: Flag(),
  disableHooks: Flag(),
  disableWait: Flag(),
  deletionPropagation: Type.Optional(
    LiteralEnum(['background', 'foreground', 'orphan'], { default: 'background' }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Drift detection and post-rendering.

const DriftDetection = Type.Object({
  mode: Type.Optional(LiteralEnum(['enabled', 'warn', 'disabled'], { description: 'Defaults to disabled.' })),
  ignore: Type.Optional(
    Type.Array(Type.Object({ paths: Type.Array(Type.String()), target: Type.Optional(KustomizeSelector) })),
  ),
});

const KustomizePatch = Type.Object({ patch: Type.String(), target: Type.Optional(KustomizeSelector) });
const KustomizeImage = Type.Object({
  name: Type.String(),
  newName: Type.Optional(Type.String()),
  newTag: Type.Optional(Type.String()),
  digest: Type.Optional(Type.String()),
});
const Json6902Operation = Type.Object({
  op: LiteralEnum(['test', 'remove', 'add', 'replace', 'move', 'copy']),
  path: Type.String(),
  from: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown()),
});
const Json6902Patch = Type.Object({ patch: Type.Array(Json6902Operation), target: KustomizeSelector });

const kustomizePostRendererProperties = {
  patches: Type.Optional(Type.Array(KustomizePatch)),
  images: Type.Optional(Type.Array(KustomizeImage)),
};
const PostRendererV2 = Type.Object({
  kustomize: Type.Optional(Type.Object(kustomizePostRendererProperties)),
});
const PostRendererLegacy = Type.Object({
  kustomize: Type.Optional(
    Type.Object({
      ...kustomizePostRendererProperties,
      patchesStrategicMerge: Type.Optional(
        Type.Array(Type.Unknown(), { description: 'Deprecated: use patches.' }),
      ),
      patchesJson6902: Type.Optional(Type.Array(Json6902Patch, { description: 'Deprecated: use patches.' })),
    }),
  ),
});

const HealthCheckExpression = Type.Object({
  apiVersion: Type.String(),
  kind: Type.Optional(Type.String()),
  current: Type.String(),
  inProgress: Type.Optional(Type.String()),
  failed: Type.Optional(Type.String()),
});

// ---------------------------------------------------------------------------------------------
// Spec per version.

const specProperties = {
  interval: Duration('Reconcile and drift-check period.'),
  timeout: Type.Optional(Duration('Per Kubernetes operation of a Helm action. Defaults to 5m0s.')),
  releaseName: Type.Optional(BoundedName(53)),
  targetNamespace: Type.Optional(BoundedName(63)),
  storageNamespace: Type.Optional(BoundedName(63)),
  maxHistory: Type.Optional(
    Type.Integer({ description: 'Release Secrets kept; 0 = unlimited. Defaults to 5.' }),
  ),
  persistentClient: Type.Optional(Type.Boolean({ description: 'Defaults to true.' })),
  suspend: Flag(),
  values: Type.Optional(FreeFormRecord()),
  driftDetection: Type.Optional(DriftDetection),
  uninstall: Type.Optional(Uninstall),
};

export const HelmReleaseSpecSchema = Type.Object(
  {
    ...specProperties,
    chart: Type.Optional(
      Type.Object({ metadata: Type.Optional(ChartTemplateMetadata), spec: ChartTemplateSpecV2 }),
    ),
    chartRef: Type.Optional(ChartReference(['OCIRepository', 'HelmChart', 'ExternalArtifact'])),
    serviceAccountName: Type.Optional(BoundedName(253)),
    kubeConfig: Type.Optional(KubeConfigV2),
    dependsOn: Type.Optional(Type.Array(DependencyV2)),
    valuesFrom: Type.Optional(Type.Array(ValuesReferenceV2)),
    install: Type.Optional(InstallV2),
    upgrade: Type.Optional(UpgradeV2),
    test: Type.Optional(TestWithFilters),
    rollback: Type.Optional(RollbackV2),
    postRenderers: Type.Optional(Type.Array(PostRendererV2)),
    commonMetadata: Type.Optional(
      Type.Object({ labels: Type.Optional(StringMap()), annotations: Type.Optional(StringMap()) }),
    ),
    postRenderStrategy: Type.Optional(
      LiteralEnum(['nohooks', 'combined', 'separate'], { description: 'Defaults to combined.' }),
    ),
    waitStrategy: Type.Optional(
      Type.Object({ name: LiteralEnum(['poller', 'legacy'], { description: 'Defaults to poller.' }) }),
    ),
    healthCheckExprs: Type.Optional(Type.Array(HealthCheckExpression)),
  },
  { 'x-kubernetes-validations': [chartXorChartRef] },
);

const legacySpecProperties = {
  ...specProperties,
  kubeConfig: Type.Optional(KubeConfigLegacy),
  dependsOn: Type.Optional(Type.Array(DependencyLegacy)),
  valuesFrom: Type.Optional(Type.Array(ValuesReferenceLegacy)),
  install: Type.Optional(InstallLegacy),
  upgrade: Type.Optional(UpgradeLegacy),
  rollback: Type.Optional(RollbackLegacy),
  postRenderers: Type.Optional(Type.Array(PostRendererLegacy)),
};

const SpecV2beta2 = Type.Object(
  {
    ...legacySpecProperties,
    chart: Type.Optional(
      Type.Object({ metadata: Type.Optional(ChartTemplateMetadata), spec: ChartTemplateSpecV2beta2 }),
    ),
    chartRef: Type.Optional(ChartReference(['OCIRepository', 'HelmChart'])),
    serviceAccountName: Type.Optional(BoundedName(253)),
    test: Type.Optional(TestWithFilters),
  },
  { 'x-kubernetes-validations': [chartXorChartRef] },
);

const SpecV2beta1 = Type.Object({
  ...legacySpecProperties,
  chart: Type.Object({ metadata: Type.Optional(ChartTemplateMetadata), spec: ChartTemplateSpecV2beta1 }),
  serviceAccountName: Type.Optional(Type.String()),
  test: Type.Optional(TestV2beta1),
});

// ---------------------------------------------------------------------------------------------
// Status per version (§8).

const TestHookStatus = Type.Object({
  lastStarted: Type.Optional(Timestamp()),
  lastCompleted: Type.Optional(Timestamp()),
  phase: Type.Optional(Type.String()),
});

const snapshotProperties = {
  apiVersion: Type.Optional(Type.String()),
  digest: Type.String(),
  name: Type.String(),
  namespace: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  chartName: Type.String(),
  chartVersion: Type.String(),
  configDigest: Type.String(),
  firstDeployed: Timestamp(),
  lastDeployed: Timestamp(),
  deleted: Type.Optional(Timestamp()),
  testHooks: Type.Optional(Type.Record(Type.String(), TestHookStatus)),
  ociDigest: Type.Optional(Type.String()),
};
const SnapshotV2 = Type.Object({
  ...snapshotProperties,
  action: Type.Optional(Type.String()),
  appVersion: Type.Optional(Type.String()),
});
const SnapshotLegacy = Type.Object(snapshotProperties);

const statusProperties = {
  ...CommonStatusProperties,
  helmChart: Type.Optional(Type.String()),
  failures: Counter(),
  installFailures: Counter(),
  upgradeFailures: Counter(),
  lastAttemptedGeneration: Counter(),
  lastAttemptedRevision: Type.Optional(Type.String()),
  lastAttemptedConfigDigest: Type.Optional(Type.String()),
  lastAttemptedValuesChecksum: Type.Optional(Type.String({ description: 'Deprecated: sha1 of the values.' })),
  lastReleaseRevision: Type.Optional(Type.Integer({ description: 'Deprecated: use history.' })),
  lastHandledForceAt: Type.Optional(Type.String()),
  lastHandledResetAt: Type.Optional(Type.String()),
};
const ReleaseAction = LiteralEnum(['install', 'upgrade']);
const LastAppliedRevision = Type.Optional(Type.String({ description: 'Last released chart version.' }));

export const HelmReleaseStatusSchema = Type.Object({
  ...statusProperties,
  storageNamespace: Type.Optional(BoundedName(63)),
  history: Type.Optional(Type.Array(SnapshotV2)),
  lastAttemptedRevisionDigest: Type.Optional(Type.String()),
  lastAttemptedReleaseAction: Type.Optional(ReleaseAction),
  lastAttemptedReleaseActionDuration: Type.Optional(Type.String()),
  observedPostRenderersDigest: Type.Optional(Type.String()),
  observedCommonMetadataDigest: Type.Optional(Type.String()),
  inventory: Type.Optional(
    Type.Object({ entries: Type.Array(Type.Object({ id: Type.String(), v: Type.String() })) }),
  ),
});

const StatusV2beta2 = Type.Object({
  ...statusProperties,
  storageNamespace: Type.Optional(BoundedName(63)),
  history: Type.Optional(Type.Array(SnapshotLegacy)),
  lastAttemptedRevisionDigest: Type.Optional(Type.String()),
  lastAttemptedReleaseAction: Type.Optional(ReleaseAction),
  lastAppliedRevision: LastAppliedRevision,
});

const StatusV2beta1 = Type.Object({
  ...statusProperties,
  storageNamespace: Type.Optional(Type.String()),
  history: Type.Optional(Type.Array(SnapshotLegacy)),
  lastAttemptedReleaseAction: Type.Optional(Type.String()),
  lastAppliedRevision: LastAppliedRevision,
});

export const HelmReleaseSchema = objectRoot(HelmReleaseSpecSchema, HelmReleaseStatusSchema);

export type HelmReleaseSpec = Static<typeof HelmReleaseSpecSchema>;
export type HelmReleaseStatus = Static<typeof HelmReleaseStatusSchema>;
export type HelmRelease = ObjectOf<typeof HelmReleaseSchema>;

// ---------------------------------------------------------------------------------------------
// v2beta2/v2beta1 ⇄ v2 (§10). Upstream serves these without conversion and the v2 controller
// ignores the old-only fields; here they are mapped to their v2 equivalents so old manifests keep
// working as their authors meant:
// - chart.spec.valuesFile is prepended to valuesFiles (it was merged before them);
// - postRenderers[].kustomize.patchesStrategicMerge/patchesJson6902 become `patches` entries in
//   kustomize's own order (strategic-merge patches, then `patches`, then JSON 6902 patches), each
//   written as JSON text, which kustomize reads as YAML;
// - status.lastAppliedRevision (not in v2) is derived back from history when read as v2beta*.
// toStorage leaves the old fields in place: normalisation prunes them against the v2 schema and
// keeps them in its conversion annotation, and fromStorage, seeing them restored, takes their
// converted copies back out.

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const valuesFileOf = (chartSpec: Record<string, unknown>): string | undefined =>
  typeof chartSpec.valuesFile === 'string' && chartSpec.valuesFile !== '' ? chartSpec.valuesFile : undefined;

const strategicMergePatch = (patch: unknown) => ({
  patch: typeof patch === 'string' ? patch : JSON.stringify(patch),
});

function json6902Patch(entry: unknown) {
  const { patch, target } = asJsonObject(entry) ?? {};
  return { patch: JSON.stringify(patch ?? []), ...(target === undefined ? {} : { target }) };
}

/** The `patches` a legacy kustomize post-renderer's old fields stand for, before and after its own patches. */
function legacyPatchesOf(kustomize: Record<string, unknown>): { before: unknown[]; after: unknown[] } {
  return {
    before: listOf(kustomize.patchesStrategicMerge).map(strategicMergePatch),
    after: listOf(kustomize.patchesJson6902).map(json6902Patch),
  };
}

function setOrDelete(target: Record<string, unknown>, key: string, list: unknown[]): void {
  if (list.length > 0) target[key] = list;
  else delete target[key];
}

function eachKustomizePostRenderer(
  spec: Record<string, unknown> | undefined,
  visit: (k: Record<string, unknown>) => void,
) {
  for (const renderer of listOf(spec?.postRenderers)) {
    const kustomize = asJsonObject(asJsonObject(renderer)?.kustomize);
    if (kustomize) visit(kustomize);
  }
}

function helmLegacyToStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const spec = asJsonObject(out.spec);
  const chartSpec = asJsonObject(asJsonObject(spec?.chart)?.spec);
  const valuesFile = chartSpec && valuesFileOf(chartSpec);
  if (chartSpec && valuesFile) chartSpec.valuesFiles = [valuesFile, ...listOf(chartSpec.valuesFiles)];
  eachKustomizePostRenderer(spec, (kustomize) => {
    const { before, after } = legacyPatchesOf(kustomize);
    if (before.length + after.length > 0)
      kustomize.patches = [...before, ...listOf(kustomize.patches), ...after];
  });
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function withoutLegacyPatches(kustomize: Record<string, unknown>): void {
  const { before, after } = legacyPatchesOf(kustomize);
  const patches = listOf(kustomize.patches);
  if (before.length + after.length === 0 || patches.length < before.length + after.length) return;
  const head = patches.slice(0, before.length);
  const tail = patches.slice(patches.length - after.length);
  if (!sameJson(head, before) || !sameJson(tail, after)) return;
  setOrDelete(kustomize, 'patches', patches.slice(before.length, patches.length - after.length));
}

/** Chart version of the newest release that was deployed (history is newest first). */
function lastReleasedChartVersion(history: unknown): string | undefined {
  for (const entry of listOf(history)) {
    const snapshot = asJsonObject(entry);
    const released = snapshot?.status === 'deployed' || snapshot?.status === 'superseded';
    if (released && typeof snapshot.chartVersion === 'string') return snapshot.chartVersion;
  }
  return undefined;
}

function helmLegacyFromStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const spec = asJsonObject(out.spec);
  const chartSpec = asJsonObject(asJsonObject(spec?.chart)?.spec);
  const valuesFile = chartSpec && valuesFileOf(chartSpec);
  const valuesFiles = listOf(chartSpec?.valuesFiles);
  if (chartSpec && valuesFile && valuesFiles[0] === valuesFile)
    setOrDelete(chartSpec, 'valuesFiles', valuesFiles.slice(1));
  eachKustomizePostRenderer(spec, withoutLegacyPatches);
  const status = asJsonObject(out.status);
  const revision = lastReleasedChartVersion(status?.history);
  if (status && status.lastAppliedRevision === undefined && revision !== undefined) {
    status.lastAppliedRevision = revision;
  }
  return out;
}

const printerColumns: PrinterColumn[] = [...readyColumns];

export const helmKinds: KindSpec[] = [
  {
    group: 'helm.toolkit.fluxcd.io',
    kind: 'HelmRelease',
    plural: 'helmreleases',
    singular: 'helmrelease',
    listKind: 'HelmReleaseList',
    shortNames: ['hr'],
    categories: [...applierCategories],
    versions: [
      { name: 'v2', schema: HelmReleaseSchema, printerColumns },
      {
        name: 'v2beta2',
        schema: objectRoot(SpecV2beta2, StatusV2beta2),
        printerColumns,
        ...deprecatedVersion('v2beta2', 'HelmRelease', 'v2'),
        toStorage: helmLegacyToStorage,
        fromStorage: helmLegacyFromStorage,
      },
      {
        name: 'v2beta1',
        schema: objectRoot(SpecV2beta1, StatusV2beta1),
        printerColumns,
        ...deprecatedVersion('v2beta1', 'HelmRelease', 'v2'),
        toStorage: helmLegacyToStorage,
        fromStorage: helmLegacyFromStorage,
      },
    ],
  },
];
