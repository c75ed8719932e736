// source.toolkit.fluxcd.io: GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket,
// ExternalArtifact — every served version (spec/source.md, README "Kinds and versions to serve").
// v1beta1 schemas follow the last upstream v1beta1 CRDs: durations without patterns, the old
// artifact shape and the old printer-column order.
import { Type, type TProperties } from '@sinclair/typebox';
import {
  AccessFrom,
  Artifact,
  CommonStatusProperties,
  Condition,
  Duration,
  LiteralEnum,
  LocalObjectReference,
  StringMap,
  TimeoutDuration,
  asJsonObject,
  deprecatedVersion,
  objectRoot,
  readyColumns,
  sourceCategories,
  type CelRule,
  type ObjectOf,
} from '../common.js';
import type { KindSpec, KubeObject, PrinterColumn } from '../kind-spec.js';

const GROUP = 'source.toolkit.fluxcd.io';

const opt = Type.Optional;

/** Source `timeout`: no hours, CRD default 60s. */
const timeoutWithDefault = () => Type.String({ pattern: TimeoutDuration().pattern, default: '60s' });
const celRules = (rules: CelRule[]) => ({ 'x-kubernetes-validations': rules });

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** v1beta2/v1beta1 artifact: `checksum` (hex sha256) still present, `digest` not yet required. */
const LegacyArtifact = Type.Object({
  path: Type.String(),
  url: Type.String(),
  revision: opt(Type.String()),
  checksum: opt(Type.String()),
  digest: opt(Type.String({ pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$' })),
  lastUpdateTime: opt(Type.String({ format: 'date-time' })),
  size: opt(Type.Integer({ format: 'int64' })),
  metadata: opt(StringMap()),
});

/** v1beta1 artifact as the last v1beta1 CRDs had it. */
const V1beta1Artifact = Type.Object({
  path: Type.String(),
  url: Type.String(),
  revision: opt(Type.String()),
  checksum: opt(Type.String()),
  lastUpdateTime: opt(Type.String({ format: 'date-time' })),
});

/** The deprecated status.url every source but GitRepository v1 still carries. */
const statusUrl = { url: opt(Type.String()) };

const OIDCIdentityMatch = Type.Object({ issuer: Type.String(), subject: Type.String() });

/** Cosign/Notation verification of OCI artifacts (OCIRepository, HelmChart from OCI HelmRepository). */
const OCIVerification = Type.Object({
  provider: LiteralEnum(['cosign', 'notation'], { default: 'cosign' }),
  secretRef: opt(LocalObjectReference),
  matchOIDCIdentity: opt(Type.Array(OIDCIdentityMatch)),
  // 2.9+: Secret with trusted_root.json for a private Sigstore deployment.
  trustedRootSecretRef: opt(LocalObjectReference),
});

const HelmChartVerification = Type.Object({
  provider: LiteralEnum(['cosign', 'notation'], { default: 'cosign' }),
  secretRef: opt(LocalObjectReference),
  matchOIDCIdentity: opt(Type.Array(OIDCIdentityMatch)),
});

const v1Status = <P extends TProperties>(properties: P) =>
  Type.Object({ ...CommonStatusProperties, ...properties });

/** URL/Endpoint column then Age, Ready, Status (v1, v1beta2). */
const columns = (...first: PrinterColumn[]): PrinterColumn[] => [...first, ...readyColumns];

/** v1beta1 CRDs listed Ready, Status, then Age last. */
const v1beta1Columns = (...first: PrinterColumn[]): PrinterColumn[] => {
  const [age, ready, status] = readyColumns;
  return [...first, ready, status, age];
};

const urlColumn: PrinterColumn = { name: 'URL', type: 'string', jsonPath: '.spec.url' };

// ---------------------------------------------------------------------------------------------
// GitRepository

const GitRepositoryRef = Type.Object({
  branch: opt(Type.String()),
  tag: opt(Type.String()),
  semver: opt(Type.String()),
  name: opt(Type.String()),
  commit: opt(Type.String()),
});

const GitRepositoryInclude = Type.Object({
  repository: LocalObjectReference,
  fromPath: opt(Type.String()),
  toPath: opt(Type.String()),
});

const gitUrl = Type.String({ pattern: '^(http|https|ssh)://.*$' });

const GitRepositorySpecV1 = Type.Object(
  {
    url: gitUrl,
    secretRef: opt(LocalObjectReference),
    provider: opt(LiteralEnum(['generic', 'aws', 'azure', 'github'])),
    serviceAccountName: opt(Type.String()),
    interval: Duration(),
    timeout: opt(timeoutWithDefault()),
    ref: opt(GitRepositoryRef),
    verify: opt(
      Type.Object({
        mode: opt(LiteralEnum(['head', 'HEAD', 'Tag', 'TagAndHEAD'], { default: 'HEAD' })),
        secretRef: LocalObjectReference,
      }),
    ),
    proxySecretRef: opt(LocalObjectReference),
    ignore: opt(Type.String()),
    suspend: opt(Type.Boolean()),
    recurseSubmodules: opt(Type.Boolean()),
    include: opt(Type.Array(GitRepositoryInclude)),
    sparseCheckout: opt(Type.Array(Type.String())),
  },
  celRules([
    {
      message: "serviceAccountName can only be set when provider is 'aws' or 'azure'",
      rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'aws' || self.provider == 'azure'))",
    },
  ]),
);

const GitRepositoryStatusV1 = v1Status({
  artifact: opt(Artifact),
  includedArtifacts: opt(Type.Array(Artifact)),
  observedIgnore: opt(Type.String()),
  observedRecurseSubmodules: opt(Type.Boolean()),
  observedInclude: opt(Type.Array(GitRepositoryInclude)),
  observedSparseCheckout: opt(Type.Array(Type.String())),
  sourceVerificationMode: opt(Type.String()),
});

const GitRepositorySpecV1beta2 = Type.Object({
  url: gitUrl,
  secretRef: opt(LocalObjectReference),
  interval: Duration(),
  timeout: opt(timeoutWithDefault()),
  ref: opt(GitRepositoryRef),
  verify: opt(Type.Object({ mode: LiteralEnum(['head']), secretRef: LocalObjectReference })),
  ignore: opt(Type.String()),
  suspend: opt(Type.Boolean()),
  gitImplementation: opt(LiteralEnum(['go-git', 'libgit2'], { default: 'go-git' })),
  recurseSubmodules: opt(Type.Boolean()),
  include: opt(Type.Array(GitRepositoryInclude)),
  accessFrom: opt(AccessFrom),
});

const GitRepositoryStatusV1beta2 = v1Status({
  ...statusUrl,
  artifact: opt(LegacyArtifact),
  includedArtifacts: opt(Type.Array(LegacyArtifact)),
  contentConfigChecksum: opt(Type.String()),
  observedIgnore: opt(Type.String()),
  observedRecurseSubmodules: opt(Type.Boolean()),
  observedInclude: opt(Type.Array(GitRepositoryInclude)),
});

const GitRepositorySpecV1beta1 = Type.Object({
  url: gitUrl,
  secretRef: opt(LocalObjectReference),
  interval: Type.String(),
  timeout: opt(Type.String({ default: '60s' })),
  ref: opt(
    Type.Object({
      branch: opt(Type.String()),
      tag: opt(Type.String()),
      semver: opt(Type.String()),
      commit: opt(Type.String()),
    }),
  ),
  verify: opt(Type.Object({ mode: LiteralEnum(['head']), secretRef: opt(LocalObjectReference) })),
  ignore: opt(Type.String()),
  suspend: opt(Type.Boolean()),
  gitImplementation: opt(LiteralEnum(['go-git', 'libgit2'], { default: 'go-git' })),
  recurseSubmodules: opt(Type.Boolean()),
  include: opt(Type.Array(GitRepositoryInclude)),
  accessFrom: opt(AccessFrom),
});

const GitRepositoryStatusV1beta1 = v1Status({
  ...statusUrl,
  artifact: opt(V1beta1Artifact),
  includedArtifacts: opt(Type.Array(V1beta1Artifact)),
});

export const GitRepositorySchema = objectRoot(GitRepositorySpecV1, GitRepositoryStatusV1);

export const gitRepositoryKind: KindSpec = {
  group: GROUP,
  kind: 'GitRepository',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  listKind: 'GitRepositoryList',
  shortNames: ['gitrepo'],
  categories: sourceCategories,
  versions: [
    { name: 'v1', schema: GitRepositorySchema, printerColumns: columns(urlColumn) },
    {
      name: 'v1beta2',
      schema: objectRoot(GitRepositorySpecV1beta2, GitRepositoryStatusV1beta2),
      printerColumns: columns(urlColumn),
      ...deprecatedVersion('v1beta2', 'GitRepository'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(GitRepositorySpecV1beta1, GitRepositoryStatusV1beta1),
      printerColumns: v1beta1Columns(urlColumn),
      ...deprecatedVersion('v1beta1', 'GitRepository'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// OCIRepository (v1beta2 has the same spec as v1; its status may still carry legacy fields)

const OCIRepositorySpec = Type.Object({
  url: Type.String({ pattern: '^oci://.*$' }),
  ref: opt(
    Type.Object({
      digest: opt(Type.String()),
      semver: opt(Type.String()),
      semverFilter: opt(Type.String()),
      tag: opt(Type.String()),
    }),
  ),
  layerSelector: opt(
    Type.Object({ mediaType: opt(Type.String()), operation: opt(LiteralEnum(['extract', 'copy'])) }),
  ),
  provider: opt(LiteralEnum(['generic', 'aws', 'azure', 'gcp'], { default: 'generic' })),
  secretRef: opt(LocalObjectReference),
  verify: opt(OCIVerification),
  serviceAccountName: opt(Type.String()),
  certSecretRef: opt(LocalObjectReference),
  proxySecretRef: opt(LocalObjectReference),
  interval: Duration(),
  timeout: opt(timeoutWithDefault()),
  ignore: opt(Type.String()),
  insecure: opt(Type.Boolean()),
  suspend: opt(Type.Boolean()),
});

const LayerSelector = Type.Object({
  mediaType: opt(Type.String()),
  operation: opt(LiteralEnum(['extract', 'copy'])),
});

const OCIRepositoryStatusV1 = v1Status({
  ...statusUrl,
  artifact: opt(Artifact),
  observedIgnore: opt(Type.String()),
  observedLayerSelector: opt(LayerSelector),
});

const OCIRepositoryStatusV1beta2 = v1Status({
  ...statusUrl,
  artifact: opt(LegacyArtifact),
  contentConfigChecksum: opt(Type.String()),
  observedIgnore: opt(Type.String()),
  observedLayerSelector: opt(LayerSelector),
});

export const OCIRepositorySchema = objectRoot(OCIRepositorySpec, OCIRepositoryStatusV1);

export const ociRepositoryKind: KindSpec = {
  group: GROUP,
  kind: 'OCIRepository',
  plural: 'ocirepositories',
  singular: 'ocirepository',
  listKind: 'OCIRepositoryList',
  shortNames: ['ocirepo'],
  categories: sourceCategories,
  versions: [
    { name: 'v1', schema: OCIRepositorySchema, printerColumns: columns(urlColumn) },
    {
      name: 'v1beta2',
      schema: objectRoot(OCIRepositorySpec, OCIRepositoryStatusV1beta2),
      printerColumns: columns(urlColumn),
      ...deprecatedVersion('v1beta2', 'OCIRepository'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// HelmRepository (v1beta2 spec = v1 spec)

const HelmRepositorySpec = Type.Object({
  url: Type.String({ pattern: '^(http|https|oci)://.*$' }),
  secretRef: opt(LocalObjectReference),
  certSecretRef: opt(LocalObjectReference),
  passCredentials: opt(Type.Boolean()),
  // Optional: the controller defaults it to 1m; ignored for type oci.
  interval: opt(Duration()),
  insecure: opt(Type.Boolean()),
  timeout: opt(TimeoutDuration()),
  suspend: opt(Type.Boolean()),
  accessFrom: opt(AccessFrom),
  type: opt(LiteralEnum(['default', 'oci'])),
  provider: opt(LiteralEnum(['generic', 'aws', 'azure', 'gcp'], { default: 'generic' })),
});

const HelmRepositorySpecV1beta1 = Type.Object({
  url: Type.String(),
  secretRef: opt(LocalObjectReference),
  passCredentials: opt(Type.Boolean()),
  interval: Type.String(),
  timeout: opt(Type.String({ default: '60s' })),
  suspend: opt(Type.Boolean()),
  accessFrom: opt(AccessFrom),
});

export const HelmRepositorySchema = objectRoot(
  HelmRepositorySpec,
  v1Status({ ...statusUrl, artifact: opt(Artifact) }),
);

export const helmRepositoryKind: KindSpec = {
  group: GROUP,
  kind: 'HelmRepository',
  plural: 'helmrepositories',
  singular: 'helmrepository',
  listKind: 'HelmRepositoryList',
  shortNames: ['helmrepo'],
  categories: sourceCategories,
  versions: [
    { name: 'v1', schema: HelmRepositorySchema, printerColumns: columns(urlColumn) },
    {
      name: 'v1beta2',
      schema: objectRoot(HelmRepositorySpec, v1Status({ ...statusUrl, artifact: opt(LegacyArtifact) })),
      printerColumns: columns(urlColumn),
      ...deprecatedVersion('v1beta2', 'HelmRepository'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(
        HelmRepositorySpecV1beta1,
        v1Status({ ...statusUrl, artifact: opt(V1beta1Artifact) }),
      ),
      printerColumns: v1beta1Columns(urlColumn),
      ...deprecatedVersion('v1beta1', 'HelmRepository'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// HelmChart

const HelmChartSourceRef = Type.Object({
  apiVersion: opt(Type.String()),
  kind: LiteralEnum(['HelmRepository', 'GitRepository', 'Bucket']),
  name: Type.String(),
});

const helmChartVerifyRule = celRules([
  {
    message: "spec.verify is only supported when spec.sourceRef.kind is 'HelmRepository'",
    rule: "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'",
  },
]);

const helmChartSpecV1Properties = {
  chart: Type.String(),
  version: opt(Type.String({ default: '*' })),
  sourceRef: HelmChartSourceRef,
  interval: Duration(),
  reconcileStrategy: opt(LiteralEnum(['ChartVersion', 'Revision'], { default: 'ChartVersion' })),
  valuesFiles: opt(Type.Array(Type.String())),
  ignoreMissingValuesFiles: opt(Type.Boolean()),
  verify: opt(HelmChartVerification),
  suspend: opt(Type.Boolean()),
};

const HelmChartSpecV1 = Type.Object(helmChartSpecV1Properties, helmChartVerifyRule);

const HelmChartSpecV1beta2 = Type.Object(
  { ...helmChartSpecV1Properties, valuesFile: opt(Type.String()), accessFrom: opt(AccessFrom) },
  helmChartVerifyRule,
);

const HelmChartSpecV1beta1 = Type.Object({
  chart: Type.String(),
  version: opt(Type.String({ default: '*' })),
  sourceRef: HelmChartSourceRef,
  interval: Type.String(),
  reconcileStrategy: opt(LiteralEnum(['ChartVersion', 'Revision'], { default: 'ChartVersion' })),
  valuesFiles: opt(Type.Array(Type.String())),
  valuesFile: opt(Type.String()),
  suspend: opt(Type.Boolean()),
  accessFrom: opt(AccessFrom),
});

const helmChartStatusProperties = {
  ...statusUrl,
  observedSourceArtifactRevision: opt(Type.String()),
  observedChartName: opt(Type.String()),
  observedValuesFiles: opt(Type.Array(Type.String())),
};

export const HelmChartSchema = objectRoot(
  HelmChartSpecV1,
  v1Status({ ...helmChartStatusProperties, artifact: opt(Artifact) }),
);

const helmChartColumns: PrinterColumn[] = [
  { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
  { name: 'Version', type: 'string', jsonPath: '.spec.version' },
  { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
  { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
];

const valuesFileOf = (spec: Record<string, unknown> | undefined): string | undefined =>
  typeof spec?.valuesFile === 'string' && spec.valuesFile !== '' ? spec.valuesFile : undefined;

/**
 * v1beta2/v1beta1 `valuesFile` (deprecated, single path) was merged before `valuesFiles`
 * (source.md §7), so it becomes their first entry. It stays in place: normalisation prunes it
 * against v1 and keeps it in the conversion annotation.
 */
function valuesFileToStorage(obj: KubeObject): KubeObject {
  const spec = asJsonObject(obj.spec);
  const valuesFile = valuesFileOf(spec);
  if (!spec || !valuesFile) return obj;
  const files: unknown[] = Array.isArray(spec.valuesFiles) ? spec.valuesFiles : [];
  spec.valuesFiles = [valuesFile, ...files];
  return obj;
}

/** Inverse: with `valuesFile` restored from the conversion annotation, take its copy out of `valuesFiles`. */
function valuesFileFromStorage(obj: KubeObject): KubeObject {
  const spec = asJsonObject(obj.spec);
  const valuesFile = valuesFileOf(spec);
  if (!spec || !valuesFile || !Array.isArray(spec.valuesFiles) || spec.valuesFiles[0] !== valuesFile)
    return obj;
  const rest = spec.valuesFiles.slice(1);
  if (rest.length > 0) spec.valuesFiles = rest;
  else delete spec.valuesFiles;
  return obj;
}

export const helmChartKind: KindSpec = {
  group: GROUP,
  kind: 'HelmChart',
  plural: 'helmcharts',
  singular: 'helmchart',
  listKind: 'HelmChartList',
  shortNames: ['hc'],
  categories: sourceCategories,
  versions: [
    { name: 'v1', schema: HelmChartSchema, printerColumns: columns(...helmChartColumns) },
    {
      name: 'v1beta2',
      schema: objectRoot(
        HelmChartSpecV1beta2,
        v1Status({ ...helmChartStatusProperties, artifact: opt(LegacyArtifact) }),
      ),
      printerColumns: columns(...helmChartColumns),
      ...deprecatedVersion('v1beta2', 'HelmChart'),
      toStorage: valuesFileToStorage,
      fromStorage: valuesFileFromStorage,
    },
    {
      name: 'v1beta1',
      schema: objectRoot(HelmChartSpecV1beta1, v1Status({ ...statusUrl, artifact: opt(V1beta1Artifact) })),
      printerColumns: v1beta1Columns(...helmChartColumns),
      ...deprecatedVersion('v1beta1', 'HelmChart'),
      toStorage: valuesFileToStorage,
      fromStorage: valuesFileFromStorage,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Bucket

const BucketSTSSpec = Type.Object({
  provider: LiteralEnum(['aws', 'ldap']),
  endpoint: Type.String({ pattern: '^(http|https)://.*$' }),
  secretRef: opt(LocalObjectReference),
  certSecretRef: opt(LocalObjectReference),
});

const bucketStsRules: CelRule[] = [
  {
    message: "STS configuration is only supported for the 'aws' and 'generic' Bucket providers",
    rule: "self.provider == 'aws' || self.provider == 'generic' || !has(self.sts)",
  },
  {
    message: "'aws' is the only supported STS provider for the 'aws' Bucket provider",
    rule: "self.provider != 'aws' || !has(self.sts) || self.sts.provider == 'aws'",
  },
  {
    message: "'ldap' is the only supported STS provider for the 'generic' Bucket provider",
    rule: "self.provider != 'generic' || !has(self.sts) || self.sts.provider == 'ldap'",
  },
  {
    message: "spec.sts.secretRef is not required for the 'aws' STS provider",
    rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.secretRef)",
  },
  {
    message: "spec.sts.certSecretRef is not required for the 'aws' STS provider",
    rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.certSecretRef)",
  },
];

const bucketSpecCommon = {
  provider: opt(LiteralEnum(['generic', 'aws', 'gcp', 'azure'], { default: 'generic' })),
  bucketName: Type.String(),
  endpoint: Type.String(),
  sts: opt(BucketSTSSpec),
  insecure: opt(Type.Boolean()),
  region: opt(Type.String()),
  prefix: opt(Type.String()),
  secretRef: opt(LocalObjectReference),
  certSecretRef: opt(LocalObjectReference),
  proxySecretRef: opt(LocalObjectReference),
  interval: Duration(),
  timeout: opt(timeoutWithDefault()),
  ignore: opt(Type.String()),
  suspend: opt(Type.Boolean()),
};

const BucketSpecV1 = Type.Object(
  { ...bucketSpecCommon, serviceAccountName: opt(Type.String()) },
  celRules([
    ...bucketStsRules,
    {
      message: "ServiceAccountName is not supported for the 'generic' Bucket provider",
      rule: "self.provider != 'generic' || !has(self.serviceAccountName)",
    },
    {
      message: 'cannot set both .spec.secretRef and .spec.serviceAccountName',
      rule: '!has(self.secretRef) || !has(self.serviceAccountName)',
    },
  ]),
);

const BucketSpecV1beta2 = Type.Object(
  { ...bucketSpecCommon, accessFrom: opt(AccessFrom) },
  celRules(bucketStsRules),
);

const BucketSpecV1beta1 = Type.Object({
  provider: opt(LiteralEnum(['generic', 'aws', 'gcp', 'azure'], { default: 'generic' })),
  bucketName: Type.String(),
  endpoint: Type.String(),
  insecure: opt(Type.Boolean()),
  region: opt(Type.String()),
  secretRef: opt(LocalObjectReference),
  interval: Type.String(),
  timeout: opt(Type.String({ default: '60s' })),
  ignore: opt(Type.String()),
  suspend: opt(Type.Boolean()),
  accessFrom: opt(AccessFrom),
});

export const BucketSchema = objectRoot(
  BucketSpecV1,
  v1Status({ ...statusUrl, artifact: opt(Artifact), observedIgnore: opt(Type.String()) }),
);

const endpointColumn: PrinterColumn = { name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' };

export const bucketKind: KindSpec = {
  group: GROUP,
  kind: 'Bucket',
  plural: 'buckets',
  singular: 'bucket',
  listKind: 'BucketList',
  shortNames: [],
  categories: sourceCategories,
  versions: [
    { name: 'v1', schema: BucketSchema, printerColumns: columns(endpointColumn) },
    {
      name: 'v1beta2',
      schema: objectRoot(
        BucketSpecV1beta2,
        v1Status({
          ...statusUrl,
          artifact: opt(LegacyArtifact),
          observedIgnore: opt(Type.String()),
        }),
      ),
      printerColumns: columns(endpointColumn),
      ...deprecatedVersion('v1beta2', 'Bucket'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(BucketSpecV1beta1, v1Status({ ...statusUrl, artifact: opt(V1beta1Artifact) })),
      printerColumns: v1beta1Columns(endpointColumn),
      ...deprecatedVersion('v1beta1', 'Bucket'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// ExternalArtifact (2.7+): written by third-party producers; status carries the artifact only.

export const ExternalArtifactSchema = Type.Object({
  apiVersion: opt(Type.String()),
  kind: opt(Type.String()),
  metadata: opt(Type.Object({})),
  spec: opt(
    Type.Object({
      sourceRef: opt(
        Type.Object({
          apiVersion: opt(Type.String()),
          kind: Type.String(),
          name: Type.String(),
          namespace: opt(Type.String()),
        }),
      ),
    }),
  ),
  status: opt(Type.Object({ artifact: opt(Artifact), conditions: opt(Type.Array(Condition)) })),
});

export const externalArtifactKind: KindSpec = {
  group: GROUP,
  kind: 'ExternalArtifact',
  plural: 'externalartifacts',
  singular: 'externalartifact',
  listKind: 'ExternalArtifactList',
  shortNames: ['ea'],
  categories: sourceCategories,
  versions: [{ name: 'v1', schema: ExternalArtifactSchema, printerColumns: [...readyColumns] }],
};

export const sourceKinds: KindSpec[] = [
  gitRepositoryKind,
  ociRepositoryKind,
  helmRepositoryKind,
  helmChartKind,
  bucketKind,
  externalArtifactKind,
];

// Storage-version object types.
export type GitRepository = ObjectOf<typeof GitRepositorySchema>;
export type GitRepositorySpec = NonNullable<GitRepository['spec']>;
export type GitRepositoryStatus = NonNullable<GitRepository['status']>;
export type OCIRepository = ObjectOf<typeof OCIRepositorySchema>;
export type OCIRepositorySpec = NonNullable<OCIRepository['spec']>;
export type OCIRepositoryStatus = NonNullable<OCIRepository['status']>;
export type HelmRepository = ObjectOf<typeof HelmRepositorySchema>;
export type HelmRepositorySpec = NonNullable<HelmRepository['spec']>;
export type HelmRepositoryStatus = NonNullable<HelmRepository['status']>;
export type HelmChart = ObjectOf<typeof HelmChartSchema>;
export type HelmChartSpec = NonNullable<HelmChart['spec']>;
export type HelmChartStatus = NonNullable<HelmChart['status']>;
export type Bucket = ObjectOf<typeof BucketSchema>;
export type BucketSpec = NonNullable<Bucket['spec']>;
export type BucketStatus = NonNullable<Bucket['status']>;
export type ExternalArtifact = ObjectOf<typeof ExternalArtifactSchema>;
export type ExternalArtifactSpec = NonNullable<ExternalArtifact['spec']>;
export type ExternalArtifactStatus = NonNullable<ExternalArtifact['status']>;
/** `status.artifact` of a source (storage version). */
export type SourceArtifact = NonNullable<GitRepositoryStatus['artifact']>;
