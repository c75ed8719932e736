// Image automation kinds (image.toolkit.fluxcd.io), per image.md §0, §1.1–1.2, §2.1, §2.4, §4, §4.1:
// ImageRepository, ImagePolicy (image-reflector) and ImageUpdateAutomation (image-automation), each
// served as v1 (storage), v1beta2 and v1beta1. Bounds, enums and CRD defaults follow Flux's CRDs;
// defaults the controllers apply at run time are documented, not schema defaults.
import { Type, type Static } from '@sinclair/typebox';
import type { KindSpec, KubeObject, PrinterColumn } from '../kind-spec.js';
import {
  AccessFrom,
  CommonStatusProperties,
  Duration,
  Flag,
  LiteralEnum,
  LocalObjectReference,
  StringMap,
  TimeoutDuration,
  asJsonObject,
  deprecatedVersion,
  objectRoot,
  type CelRule,
  type ObjectOf,
} from '../common.js';

const GROUP = 'image.toolkit.fluxcd.io';
const imageCategories = ['all', 'fluxcd', 'fluxcd-images'];

const OptionalString = () => Type.Optional(Type.String());
const Timestamp = () => Type.String({ format: 'date-time' });

const column = (name: string, jsonPath: string, priority?: number): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath,
  ...(priority === undefined ? {} : { priority }),
});
const ready = column('Ready', '.status.conditions[?(@.type=="Ready")].status');
const status = column('Status', '.status.conditions[?(@.type=="Ready")].message');
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

// ---------------------------------------------------------------------------------------------
// ImageRepository (§1). v1beta2 and v1 share one schema; v1beta1 lacks the proxy, provider and
// insecure fields and the scan revision/sample. The schemas are subsets of v1, so no mapping.

const imageRepositorySpecProperties = {
  image: Type.String({ description: 'Repository address without scheme or tag, e.g. `ghcr.io/org/app`.' }),
  interval: Duration('Scan period.'),
  timeout: Type.Optional(TimeoutDuration('Credential lookup and tag listing; defaults to interval.')),
  secretRef: Type.Optional(LocalObjectReference),
  serviceAccountName: Type.Optional(Type.String({ maxLength: 253 })),
  certSecretRef: Type.Optional(LocalObjectReference),
  accessFrom: Type.Optional(AccessFrom),
  suspend: Flag(),
};

export const ImageRepositorySpecSchema = Type.Object({
  ...imageRepositorySpecProperties,
  exclusionList: Type.Optional(Type.Array(Type.String(), { maxItems: 25, default: ['^.*\\.sig$'] })),
  proxySecretRef: Type.Optional(LocalObjectReference),
  provider: Type.Optional(LiteralEnum(['generic', 'aws', 'azure', 'gcp'], { default: 'generic' })),
  insecure: Flag(),
});

// v1beta1's CRD required no spec field at all.
const ImageRepositorySpecV1beta1 = Type.Object({
  ...imageRepositorySpecProperties,
  image: Type.Optional(imageRepositorySpecProperties.image),
  interval: Type.Optional(imageRepositorySpecProperties.interval),
  exclusionList: Type.Optional(Type.Array(Type.String())),
});

const scanResultProperties = { tagCount: Type.Integer(), scanTime: Type.Optional(Timestamp()) };

export const ImageRepositoryStatusSchema = Type.Object({
  ...CommonStatusProperties,
  canonicalImageName: OptionalString(),
  lastScanResult: Type.Optional(
    Type.Object({
      ...scanResultProperties,
      revision: OptionalString(),
      latestTags: Type.Optional(Type.Array(Type.String())),
    }),
  ),
  observedExclusionList: Type.Optional(Type.Array(Type.String())),
});

const ImageRepositoryStatusV1beta1 = Type.Object({
  ...CommonStatusProperties,
  canonicalImageName: OptionalString(),
  lastScanResult: Type.Optional(Type.Object(scanResultProperties)),
});

export const ImageRepositorySchema = objectRoot(ImageRepositorySpecSchema, ImageRepositoryStatusSchema);
export type ImageRepositorySpec = Static<typeof ImageRepositorySpecSchema>;
export type ImageRepositoryStatus = Static<typeof ImageRepositoryStatusSchema>;
export type ImageRepository = ObjectOf<typeof ImageRepositorySchema>;

const imageRepositoryColumns: PrinterColumn[] = [
  column('Image', '.spec.image'),
  column('Tags', '.status.lastScanResult.tagCount'),
  ready,
  status,
  column('Last scan', '.status.lastScanResult.scanTime', 1),
  age,
];

export const imageRepositoryKind: KindSpec = {
  group: GROUP,
  kind: 'ImageRepository',
  plural: 'imagerepositories',
  singular: 'imagerepository',
  listKind: 'ImageRepositoryList',
  shortNames: ['imgrepo', 'imagerepo'],
  categories: imageCategories,
  versions: [
    { name: 'v1', schema: ImageRepositorySchema, printerColumns: imageRepositoryColumns },
    {
      name: 'v1beta2',
      schema: objectRoot(ImageRepositorySpecSchema, ImageRepositoryStatusSchema),
      printerColumns: imageRepositoryColumns,
      ...deprecatedVersion('v1beta2', 'ImageRepository'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(ImageRepositorySpecV1beta1, ImageRepositoryStatusV1beta1),
      printerColumns: imageRepositoryColumns,
      ...deprecatedVersion('v1beta1', 'ImageRepository'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// ImagePolicy (§2). "Exactly one of semver/alphabetical/numerical" is checked by the controller
// (Stalled InvalidPolicy), as upstream, not by the schema.

const SortOrder = () => Type.Optional(LiteralEnum(['asc', 'desc'], { default: 'asc' }));

const imagePolicySpecProperties = {
  imageRepositoryRef: Type.Object({
    name: Type.String(),
    namespace: Type.Optional(Type.String({ description: "Defaults to the policy's namespace." })),
  }),
  policy: Type.Object({
    semver: Type.Optional(Type.Object({ range: Type.String() })),
    alphabetical: Type.Optional(Type.Object({ order: SortOrder() })),
    numerical: Type.Optional(Type.Object({ order: SortOrder() })),
  }),
  filterTags: Type.Optional(Type.Object({ pattern: OptionalString(), extract: OptionalString() })),
};

const digestReflectionProperties = {
  digestReflectionPolicy: Type.Optional(
    LiteralEnum(['Always', 'IfNotPresent', 'Never'], { default: 'Never' }),
  ),
  interval: Type.Optional(Duration('Digest refresh period; only (and then required) with Always.')),
};

const intervalOnlyWithAlways: CelRule[] = [
  {
    message: "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'",
    rule: "!has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",
  },
  {
    message: "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'",
    rule: "has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",
  },
];

export const ImagePolicySpecSchema = Type.Object(
  { ...imagePolicySpecProperties, ...digestReflectionProperties, suspend: Flag() },
  { 'x-kubernetes-validations': intervalOnlyWithAlways },
);
const ImagePolicySpecV1beta2 = Type.Object(
  { ...imagePolicySpecProperties, ...digestReflectionProperties },
  { 'x-kubernetes-validations': intervalOnlyWithAlways },
);
const ImagePolicySpecV1beta1 = Type.Object(imagePolicySpecProperties);

/** The image a policy selected: `name` is the repository's spec.image as written. */
const ImageReference = Type.Object({ name: Type.String(), tag: Type.String(), digest: OptionalString() });

const legacyImageStatusProperties = {
  latestImage: Type.Optional(Type.String({ description: 'Deprecated: `name:tag[@digest]` of latestRef.' })),
  observedPreviousImage: Type.Optional(
    Type.String({ description: 'Deprecated: as latestImage, for the previous ref.' }),
  ),
};
const imageRefStatusProperties = {
  latestRef: Type.Optional(ImageReference),
  observedPreviousRef: Type.Optional(ImageReference),
};

export const ImagePolicyStatusSchema = Type.Object({
  ...CommonStatusProperties,
  ...imageRefStatusProperties,
});
const ImagePolicyStatusV1beta2 = Type.Object({
  ...CommonStatusProperties,
  ...imageRefStatusProperties,
  ...legacyImageStatusProperties,
});
const ImagePolicyStatusV1beta1 = Type.Object({ ...CommonStatusProperties, ...legacyImageStatusProperties });

export const ImagePolicySchema = objectRoot(ImagePolicySpecSchema, ImagePolicyStatusSchema);
export type ImagePolicySpec = Static<typeof ImagePolicySpecSchema>;
export type ImagePolicyStatus = Static<typeof ImagePolicyStatusSchema>;
export type ImagePolicy = ObjectOf<typeof ImagePolicySchema>;
export type ImageReference = Static<typeof ImageReference>;

// v1beta1 (and v1beta2 before Flux 2.6) reported the selection only as `name:tag[@digest]`
// strings; v1 only as structured refs. toStorage parses a string into the ref when the ref is
// absent and leaves the string for normalisation to prune (and keep in its conversion record);
// fromStorage renders the string from the ref when it is not restored (image-reflector's
// ImageRef.String format, digest included), e.g. after the controller wrote a new ref.

/** Parses `name:tag[@digest]`; undefined when there is no tag (a ref needs one). */
export function parseImageReference(image: string): ImageReference | undefined {
  const at = image.indexOf('@');
  const nameAndTag = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const colon = nameAndTag.lastIndexOf(':');
  if (colon <= nameAndTag.lastIndexOf('/')) return undefined;
  return {
    name: nameAndTag.slice(0, colon),
    tag: nameAndTag.slice(colon + 1),
    ...(digest ? { digest } : {}),
  };
}

/** `name:tag`, plus `@digest` when the ref has one. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.name}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
}

const isImageReference = (value: unknown): value is ImageReference => {
  const ref = asJsonObject(value);
  return typeof ref?.name === 'string' && typeof ref.tag === 'string';
};

const statusImagePairs = [
  ['latestImage', 'latestRef'],
  ['observedPreviousImage', 'observedPreviousRef'],
] as const;

function imagePolicyToStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const statusObject = asJsonObject(out.status);
  for (const [imageField, refField] of statusImagePairs) {
    const image = statusObject?.[imageField];
    const ref = typeof image === 'string' ? parseImageReference(image) : undefined;
    if (statusObject && ref && statusObject[refField] === undefined) statusObject[refField] = ref;
  }
  return out;
}

function imagePolicyFromStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const statusObject = asJsonObject(out.status);
  for (const [imageField, refField] of statusImagePairs) {
    const ref = statusObject?.[refField];
    if (statusObject && isImageReference(ref) && statusObject[imageField] === undefined) {
      statusObject[imageField] = formatImageReference(ref);
    }
  }
  return out;
}

const imagePolicyColumns: PrinterColumn[] = [
  column('Image', '.status.latestRef.name'),
  column('Tag', '.status.latestRef.tag'),
  ready,
  status,
  age,
];
// A v1beta1 object carries only the string form.
const imagePolicyColumnsV1beta1: PrinterColumn[] = [
  column('LatestImage', '.status.latestImage'),
  ready,
  status,
  age,
];

export const imagePolicyKind: KindSpec = {
  group: GROUP,
  kind: 'ImagePolicy',
  plural: 'imagepolicies',
  singular: 'imagepolicy',
  listKind: 'ImagePolicyList',
  shortNames: ['imgpol', 'imagepol'],
  categories: imageCategories,
  versions: [
    { name: 'v1', schema: ImagePolicySchema, printerColumns: imagePolicyColumns },
    {
      name: 'v1beta2',
      schema: objectRoot(ImagePolicySpecV1beta2, ImagePolicyStatusV1beta2),
      printerColumns: imagePolicyColumns,
      ...deprecatedVersion('v1beta2', 'ImagePolicy'),
      toStorage: imagePolicyToStorage,
      fromStorage: imagePolicyFromStorage,
    },
    {
      name: 'v1beta1',
      schema: objectRoot(ImagePolicySpecV1beta1, ImagePolicyStatusV1beta1),
      printerColumns: imagePolicyColumnsV1beta1,
      ...deprecatedVersion('v1beta1', 'ImagePolicy'),
      toStorage: imagePolicyToStorage,
      fromStorage: imagePolicyFromStorage,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// ImageUpdateAutomation (§4). v1beta1 and v1beta2 are subsets of v1 (no policySelector or
// messageTemplateValues in v1beta1, no signingKey.type before v1), so no mapping. The legacy
// `.Updated` template data is a controller concern (§6.4).

const GitSourceReference = Type.Object({
  apiVersion: OptionalString(),
  kind: LiteralEnum(['GitRepository'], { default: 'GitRepository' }),
  name: Type.String(),
  namespace: OptionalString(),
});

const GitCheckout = Type.Object({
  ref: Type.Object({
    branch: OptionalString(),
    tag: OptionalString(),
    semver: OptionalString(),
    name: OptionalString(),
    commit: OptionalString(),
  }),
});

const commitProperties = {
  author: Type.Object({ email: Type.String(), name: OptionalString() }),
  messageTemplate: Type.Optional(Type.String({ description: 'Go text/template for the commit message.' })),
};
const SigningKeyV1 = Type.Object({
  secretRef: LocalObjectReference,
  type: Type.Optional(LiteralEnum(['gpg', 'ssh'], { description: 'Defaults to gpg.' })),
});
const CommitV1 = Type.Object({
  ...commitProperties,
  messageTemplateValues: Type.Optional(StringMap()),
  signingKey: Type.Optional(SigningKeyV1),
});
const CommitV1beta2 = Type.Object({
  ...commitProperties,
  messageTemplateValues: Type.Optional(StringMap()),
  signingKey: Type.Optional(Type.Object({ secretRef: LocalObjectReference })),
});
const CommitV1beta1 = Type.Object({
  ...commitProperties,
  signingKey: Type.Optional(Type.Object({ secretRef: Type.Optional(LocalObjectReference) })),
});

const GitPush = Type.Object({
  branch: OptionalString(),
  refspec: OptionalString(),
  options: Type.Optional(StringMap()),
});

const GitSpec = <C extends typeof CommitV1 | typeof CommitV1beta2 | typeof CommitV1beta1>(commit: C) =>
  Type.Object({ checkout: Type.Optional(GitCheckout), commit, push: Type.Optional(GitPush) });

const Setters = () => LiteralEnum(['Setters'], { default: 'Setters' });
const UpdateStrategy = Type.Object(
  { path: OptionalString(), strategy: Type.Optional(Setters()) },
  { default: { strategy: 'Setters' } },
);
const UpdateStrategyV1beta1 = Type.Object(
  { path: OptionalString(), strategy: Setters() },
  { default: { strategy: 'Setters' } },
);

const PolicySelector = Type.Object(
  {
    matchLabels: Type.Optional(StringMap()),
    matchExpressions: Type.Optional(
      Type.Array(
        Type.Object({
          key: Type.String(),
          operator: Type.String(),
          values: Type.Optional(Type.Array(Type.String(), { 'x-kubernetes-list-type': 'atomic' })),
        }),
        { 'x-kubernetes-list-type': 'atomic' },
      ),
    ),
  },
  { 'x-kubernetes-map-type': 'atomic' },
);

const automationSpecProperties = {
  sourceRef: GitSourceReference,
  interval: Duration(),
  suspend: Flag(),
};

export const ImageUpdateAutomationSpecSchema = Type.Object({
  ...automationSpecProperties,
  git: Type.Optional(GitSpec(CommitV1)),
  update: Type.Optional(UpdateStrategy),
  policySelector: Type.Optional(PolicySelector),
});
const ImageUpdateAutomationSpecV1beta2 = Type.Object({
  ...automationSpecProperties,
  git: Type.Optional(GitSpec(CommitV1beta2)),
  update: Type.Optional(UpdateStrategy),
  policySelector: Type.Optional(PolicySelector),
});
const ImageUpdateAutomationSpecV1beta1 = Type.Object({
  ...automationSpecProperties,
  git: Type.Optional(GitSpec(CommitV1beta1)),
  update: Type.Optional(UpdateStrategyV1beta1),
});

const automationStatusProperties = {
  ...CommonStatusProperties,
  lastAutomationRunTime: Type.Optional(Timestamp()),
  lastPushCommit: OptionalString(),
  lastPushTime: Type.Optional(Timestamp()),
};
export const ImageUpdateAutomationStatusSchema = Type.Object({
  ...automationStatusProperties,
  observedPolicies: Type.Optional(Type.Record(Type.String(), ImageReference)),
  observedSourceRevision: OptionalString(),
});
const ImageUpdateAutomationStatusV1beta1 = Type.Object(automationStatusProperties);

export const ImageUpdateAutomationSchema = objectRoot(
  ImageUpdateAutomationSpecSchema,
  ImageUpdateAutomationStatusSchema,
);
export type ImageUpdateAutomationSpec = Static<typeof ImageUpdateAutomationSpecSchema>;
export type ImageUpdateAutomationStatus = Static<typeof ImageUpdateAutomationStatusSchema>;
export type ImageUpdateAutomation = ObjectOf<typeof ImageUpdateAutomationSchema>;

const imageUpdateAutomationColumns: PrinterColumn[] = [
  ready,
  status,
  column('Last run', '.status.lastAutomationRunTime', 1),
  age,
];

export const imageUpdateAutomationKind: KindSpec = {
  group: GROUP,
  kind: 'ImageUpdateAutomation',
  plural: 'imageupdateautomations',
  singular: 'imageupdateautomation',
  listKind: 'ImageUpdateAutomationList',
  shortNames: ['iua', 'imgupd', 'imgauto'],
  categories: imageCategories,
  versions: [
    { name: 'v1', schema: ImageUpdateAutomationSchema, printerColumns: imageUpdateAutomationColumns },
    {
      name: 'v1beta2',
      schema: objectRoot(ImageUpdateAutomationSpecV1beta2, ImageUpdateAutomationStatusSchema),
      printerColumns: imageUpdateAutomationColumns,
      ...deprecatedVersion('v1beta2', 'ImageUpdateAutomation'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(ImageUpdateAutomationSpecV1beta1, ImageUpdateAutomationStatusV1beta1),
      printerColumns: imageUpdateAutomationColumns,
      ...deprecatedVersion('v1beta1', 'ImageUpdateAutomation'),
    },
  ],
};

export const imageKinds: KindSpec[] = [imageRepositoryKind, imagePolicyKind, imageUpdateAutomationKind];
