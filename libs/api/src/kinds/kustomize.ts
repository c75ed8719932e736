// kustomize.toolkit.fluxcd.io Kustomization: v1 (storage), v1beta2 and v1beta1 (spec/kustomize.md,
// §10 for the old-version differences).
import { Type } from '@sinclair/typebox';
import {
  CommonStatusProperties,
  Duration,
  KustomizeSelector,
  LiteralEnum,
  LocalObjectReference,
  NamespacedObjectKindReference,
  StringMap,
  applierCategories,
  asJsonObject,
  deprecatedVersion,
  objectRoot,
  readyColumns,
  type ObjectOf,
} from '../common.js';
import type { KindSpec, KubeObject, PrinterColumn } from '../kind-spec.js';

const opt = Type.Optional;

// ---------------------------------------------------------------------------------------------
// Pieces shared by the versions

const Image = Type.Object({
  name: Type.String(),
  newName: opt(Type.String()),
  newTag: opt(Type.String()),
  digest: opt(Type.String()),
});

const Patch = Type.Object({ patch: Type.String(), target: opt(KustomizeSelector) });

const CommonMetadata = Type.Object({ annotations: opt(StringMap()), labels: opt(StringMap()) });

const SubstituteReference = Type.Object({
  kind: LiteralEnum(['Secret', 'ConfigMap']),
  name: Type.String({ minLength: 1, maxLength: 253 }),
  optional: opt(Type.Boolean({ default: false })),
});

const Inventory = Type.Object({ entries: Type.Array(Type.Object({ id: Type.String(), v: Type.String() })) });

/** JSON6902 operation list entry (v1beta2/v1beta1 `patchesJson6902[].patch[]`). */
const JSON6902Operation = Type.Object({
  op: LiteralEnum(['test', 'remove', 'add', 'replace', 'move', 'copy']),
  path: Type.String(),
  from: opt(Type.String()),
  value: opt(Type.Unknown()),
});

const JSON6902Patch = Type.Object({ patch: Type.Array(JSON6902Operation), target: KustomizeSelector });

const legacyPatchFields = {
  // Inline strategic-merge patch objects, kept as written.
  patchesStrategicMerge: opt(Type.Array(Type.Unknown())),
  patchesJson6902: opt(Type.Array(JSON6902Patch)),
};

const targetNamespace = opt(Type.String({ minLength: 1, maxLength: 63 }));
const force = opt(Type.Boolean({ default: false }));

// ---------------------------------------------------------------------------------------------
// v1

const KustomizationSpecV1 = Type.Object({
  sourceRef: Type.Object({
    apiVersion: opt(Type.String()),
    kind: LiteralEnum(['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact']),
    name: Type.String(),
    namespace: opt(Type.String()),
  }),
  interval: Duration(),
  retryInterval: opt(Duration()),
  timeout: opt(Duration()),
  path: opt(Type.String()),
  prune: Type.Boolean(),
  deletionPolicy: opt(LiteralEnum(['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'])),
  suspend: opt(Type.Boolean()),
  targetNamespace,
  namePrefix: opt(Type.String({ minLength: 1, maxLength: 200 })),
  nameSuffix: opt(Type.String({ minLength: 1, maxLength: 200 })),
  commonMetadata: opt(CommonMetadata),
  patches: opt(Type.Array(Patch)),
  images: opt(Type.Array(Image)),
  components: opt(Type.Array(Type.String())),
  ignoreMissingComponents: opt(Type.Boolean()),
  buildMetadata: opt(Type.Array(LiteralEnum(['originAnnotations', 'transformerAnnotations']))),
  postBuild: opt(
    Type.Object({
      substitute: opt(StringMap()),
      substituteFrom: opt(Type.Array(SubstituteReference)),
      substituteStrategy: opt(LiteralEnum(['WithVariables', 'Always'])),
    }),
  ),
  decryption: opt(
    Type.Object({
      provider: LiteralEnum(['sops']),
      secretRef: opt(LocalObjectReference),
      serviceAccountName: opt(Type.String()),
    }),
  ),
  healthChecks: opt(Type.Array(NamespacedObjectKindReference)),
  wait: opt(Type.Boolean()),
  healthCheckExprs: opt(
    Type.Array(
      Type.Object({
        apiVersion: Type.String(),
        kind: opt(Type.String()),
        current: Type.String(),
        inProgress: opt(Type.String()),
        failed: opt(Type.String()),
      }),
    ),
  ),
  force,
  ignore: opt(Type.Array(Type.Object({ paths: Type.Array(Type.String()), target: opt(KustomizeSelector) }))),
  serviceAccountName: opt(Type.String()),
  kubeConfig: opt(
    Type.Object(
      {
        secretRef: opt(Type.Object({ name: Type.String(), key: opt(Type.String()) })),
        configMapRef: opt(LocalObjectReference),
      },
      {
        'x-kubernetes-validations': [
          {
            message:
              'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
            rule: 'has(self.configMapRef) || has(self.secretRef)',
          },
          {
            message:
              'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
            rule: '!has(self.configMapRef) || !has(self.secretRef)',
          },
        ],
      },
    ),
  ),
  dependsOn: opt(
    Type.Array(
      Type.Object({ name: Type.String(), namespace: opt(Type.String()), readyExpr: opt(Type.String()) }),
    ),
  ),
});

const KustomizationStatusV1 = Type.Object({
  ...CommonStatusProperties,
  lastAppliedRevision: opt(Type.String()),
  lastAppliedOriginRevision: opt(Type.String()),
  lastAttemptedRevision: opt(Type.String()),
  inventory: opt(Inventory),
  history: opt(
    Type.Array(
      Type.Object({
        digest: Type.String(),
        firstReconciled: Type.String({ format: 'date-time' }),
        lastReconciled: Type.String({ format: 'date-time' }),
        lastReconciledDuration: Type.String(),
        lastReconciledStatus: Type.String(),
        totalReconciliations: Type.Integer({ format: 'int64' }),
        metadata: opt(StringMap()),
      }),
    ),
  ),
});

export const KustomizationSchema = objectRoot(KustomizationSpecV1, KustomizationStatusV1);

// ---------------------------------------------------------------------------------------------
// v1beta2

const NamespacedObjectReference = Type.Object({ name: Type.String(), namespace: opt(Type.String()) });

const validation = opt(LiteralEnum(['none', 'client', 'server']));

const KustomizationSpecV1beta2 = Type.Object({
  sourceRef: Type.Object({
    apiVersion: opt(Type.String()),
    kind: LiteralEnum(['OCIRepository', 'GitRepository', 'Bucket']),
    name: Type.String(),
    namespace: opt(Type.String()),
  }),
  interval: Duration(),
  retryInterval: opt(Duration()),
  timeout: opt(Duration()),
  path: opt(Type.String()),
  prune: Type.Boolean(),
  suspend: opt(Type.Boolean()),
  targetNamespace,
  commonMetadata: opt(CommonMetadata),
  patches: opt(Type.Array(Patch)),
  ...legacyPatchFields,
  images: opt(Type.Array(Image)),
  components: opt(Type.Array(Type.String())),
  postBuild: opt(
    Type.Object({ substitute: opt(StringMap()), substituteFrom: opt(Type.Array(SubstituteReference)) }),
  ),
  decryption: opt(Type.Object({ provider: LiteralEnum(['sops']), secretRef: opt(LocalObjectReference) })),
  healthChecks: opt(Type.Array(NamespacedObjectKindReference)),
  wait: opt(Type.Boolean()),
  force,
  validation,
  serviceAccountName: opt(Type.String()),
  kubeConfig: opt(Type.Object({ secretRef: Type.Object({ name: Type.String(), key: opt(Type.String()) }) })),
  dependsOn: opt(Type.Array(NamespacedObjectReference)),
});

const KustomizationStatusV1beta2 = Type.Object({
  ...CommonStatusProperties,
  lastAppliedRevision: opt(Type.String()),
  lastAttemptedRevision: opt(Type.String()),
  inventory: opt(Inventory),
});

// ---------------------------------------------------------------------------------------------
// v1beta1 (v1beta2 minus newer fields, plus the legacy `status.snapshot`)

const KustomizationSpecV1beta1 = Type.Object({
  sourceRef: Type.Object({
    apiVersion: opt(Type.String()),
    kind: LiteralEnum(['GitRepository', 'Bucket']),
    name: Type.String(),
    namespace: opt(Type.String()),
  }),
  interval: Type.String(),
  retryInterval: opt(Type.String()),
  timeout: opt(Type.String()),
  path: opt(Type.String()),
  prune: Type.Boolean(),
  suspend: opt(Type.Boolean()),
  targetNamespace,
  patches: opt(Type.Array(Patch)),
  ...legacyPatchFields,
  images: opt(Type.Array(Image)),
  postBuild: opt(
    Type.Object({
      substitute: opt(StringMap()),
      substituteFrom: opt(
        Type.Array(Type.Object({ kind: LiteralEnum(['Secret', 'ConfigMap']), name: Type.String() })),
      ),
    }),
  ),
  decryption: opt(Type.Object({ provider: LiteralEnum(['sops']), secretRef: opt(LocalObjectReference) })),
  healthChecks: opt(Type.Array(NamespacedObjectKindReference)),
  force,
  validation,
  serviceAccountName: opt(Type.String()),
  kubeConfig: opt(Type.Object({ secretRef: LocalObjectReference })),
  dependsOn: opt(Type.Array(NamespacedObjectReference)),
});

const KustomizationStatusV1beta1 = Type.Object({
  ...CommonStatusProperties,
  lastAppliedRevision: opt(Type.String()),
  lastAttemptedRevision: opt(Type.String()),
  snapshot: opt(
    Type.Object({
      checksum: Type.String(),
      entries: Type.Array(Type.Object({ namespace: opt(Type.String()), kinds: StringMap() })),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Version normalisation: legacy patch fields → `patches` (kustomize.md §10 recommends honouring
// them). kustomize applied patchesStrategicMerge, then patches, then patchesJson6902; the folded
// list keeps that order, each patch written as JSON text (which kustomize reads as YAML). The
// legacy fields stay in place: normalisation prunes them against v1 and keeps them in its
// conversion annotation; on the way back, seeing them restored, their copies are taken out again.

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The `patches` entries a v1beta2/v1beta1 spec's legacy fields stand for, before and after its own. */
export function legacyPatchesOf(spec: Record<string, unknown>): { before: unknown[]; after: unknown[] } {
  return {
    before: listOf(spec.patchesStrategicMerge).map((patch) => ({
      patch: typeof patch === 'string' ? patch : JSON.stringify(patch),
    })),
    after: listOf(spec.patchesJson6902).map((entry) => {
      const { patch, target } = asJsonObject(entry) ?? {};
      return { patch: JSON.stringify(patch ?? []), ...(target === undefined ? {} : { target }) };
    }),
  };
}

function legacyPatchesToStorage(obj: KubeObject): KubeObject {
  const spec = asJsonObject(obj.spec);
  if (!spec) return obj;
  const { before, after } = legacyPatchesOf(spec);
  if (before.length + after.length > 0) spec.patches = [...before, ...listOf(spec.patches), ...after];
  return obj;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function legacyPatchesFromStorage(obj: KubeObject): KubeObject {
  const spec = asJsonObject(obj.spec);
  if (!spec) return obj;
  const { before, after } = legacyPatchesOf(spec);
  const patches = listOf(spec.patches);
  if (before.length + after.length === 0 || patches.length < before.length + after.length) return obj;
  const head = patches.slice(0, before.length);
  const tail = patches.slice(patches.length - after.length);
  if (!sameJson(head, before) || !sameJson(tail, after)) return obj;
  const own = patches.slice(before.length, patches.length - after.length);
  if (own.length > 0) spec.patches = own;
  else delete spec.patches;
  return obj;
}

const v1beta1Columns = (): PrinterColumn[] => {
  const [age, ready, status] = readyColumns;
  return [ready, status, age];
};

export const kustomizationKind: KindSpec = {
  group: 'kustomize.toolkit.fluxcd.io',
  kind: 'Kustomization',
  plural: 'kustomizations',
  singular: 'kustomization',
  listKind: 'KustomizationList',
  shortNames: ['ks'],
  categories: applierCategories,
  versions: [
    { name: 'v1', schema: KustomizationSchema, printerColumns: [...readyColumns] },
    {
      name: 'v1beta2',
      schema: objectRoot(KustomizationSpecV1beta2, KustomizationStatusV1beta2),
      printerColumns: [...readyColumns],
      ...deprecatedVersion('v1beta2', 'Kustomization'),
      toStorage: legacyPatchesToStorage,
      fromStorage: legacyPatchesFromStorage,
    },
    {
      name: 'v1beta1',
      schema: objectRoot(KustomizationSpecV1beta1, KustomizationStatusV1beta1),
      printerColumns: v1beta1Columns(),
      ...deprecatedVersion('v1beta1', 'Kustomization'),
      toStorage: legacyPatchesToStorage,
      fromStorage: legacyPatchesFromStorage,
    },
  ],
};

export const kustomizeKinds: KindSpec[] = [kustomizationKind];

/** Storage-version (v1) Kustomization. */
export type Kustomization = ObjectOf<typeof KustomizationSchema>;
export type KustomizationSpec = NonNullable<Kustomization['spec']>;
export type KustomizationStatus = NonNullable<Kustomization['status']>;
