// Notification kinds (notification.toolkit.fluxcd.io), per notification.md §0, §2.1, §3.1, §3.5,
// §5.1 and §5.3: Alert and Provider served as v1beta3 (storage, no status), v1beta2 and v1beta1;
// Receiver as v1 (storage), v1beta2 and v1beta1. Bounds, enums and CRD defaults follow Flux's CRDs;
// defaults applied at run time (Provider timeout 15s, OIDC audience) are documented only.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { KindSpec, KubeObject, PrinterColumn } from '../kind-spec.js';
import {
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
  readyColumns,
  type CelRule,
  type ObjectOf,
} from '../common.js';

const GROUP = 'notification.toolkit.fluxcd.io';
const notificationCategories = ['all', 'fluxcd', 'fluxcd-notifications'];
const substituteDisabled = { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' };

const OptionalString = () => Type.Optional(Type.String());
const BoundedName = (maxLength: number) => Type.String({ minLength: 1, maxLength });

const ageColumn: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const statusColumns: PrinterColumn[] = [...readyColumns];

/** Root of a version without status: v1beta3 Alerts and Providers are static, never reconciled. */
const rootWithoutStatus = <S extends TSchema>(spec: S) =>
  Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({})),
    spec: Type.Optional(spec),
  });

// Status of v1beta2/v1beta1 Alerts and Providers (conditions written by old controllers) has no
// v1beta3 equivalent: normalisation prunes it from storage and keeps it in its conversion record.
const LegacyStatus = Type.Object(CommonStatusProperties);

// Kinds an Alert can watch and a Receiver can trigger: the spec's list plus the Flux Operator kinds
// upstream's CRDs also accept, so existing manifests naming them stay valid.
const fluxKinds = [
  'Bucket',
  'GitRepository',
  'Kustomization',
  'HelmRelease',
  'HelmChart',
  'HelmRepository',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'OCIRepository',
  'ArtifactGenerator',
  'ExternalArtifact',
  'FluxInstance',
  'ResourceSet',
  'ResourceSetInputProvider',
] as const;
const fluxKindsV1beta1 = fluxKinds.slice(0, 10);

const crossNamespaceRefProperties = {
  apiVersion: OptionalString(),
  kind: LiteralEnum(fluxKinds),
  name: BoundedName(253),
  namespace: Type.Optional(BoundedName(253)),
  matchLabels: Type.Optional(StringMap()),
};
const crossNamespaceRefPropertiesV1beta1 = {
  ...crossNamespaceRefProperties,
  kind: LiteralEnum(fluxKindsV1beta1),
  name: BoundedName(53),
  namespace: Type.Optional(BoundedName(53)),
};

// ---------------------------------------------------------------------------------------------
// Alert (§2). v1beta2 and v1beta1 specs are subsets of v1beta3; `summary` is still a (deprecated)
// v1beta3 field, merged into the notification metadata at dispatch (§2.3), so no mapping is needed.

const EventSeverity = () => Type.Optional(LiteralEnum(['info', 'error'], { default: 'info' }));
const RegexList = () => Type.Optional(Type.Array(Type.String({ description: 'Go RE2 regular expression.' })));

const alertSpecProperties = {
  providerRef: LocalObjectReference,
  eventSources: Type.Array(Type.Object(crossNamespaceRefProperties)),
  eventSeverity: EventSeverity(),
  inclusionList: RegexList(),
  exclusionList: RegexList(),
  eventMetadata: Type.Optional(StringMap()),
  summary: Type.Optional(Type.String({ maxLength: 255, description: 'Deprecated: use eventMetadata.' })),
  suspend: Flag(),
};

export const AlertSpecSchema = Type.Object(alertSpecProperties);
const AlertSpecV1beta1 = Type.Object({
  providerRef: LocalObjectReference,
  eventSources: Type.Array(Type.Object(crossNamespaceRefPropertiesV1beta1)),
  eventSeverity: EventSeverity(),
  exclusionList: RegexList(),
  summary: OptionalString(),
  suspend: Flag(),
});

export const AlertSchema = rootWithoutStatus(AlertSpecSchema);
export type AlertSpec = Static<typeof AlertSpecSchema>;
export type Alert = ObjectOf<typeof AlertSchema>;

export const alertKind: KindSpec = {
  group: GROUP,
  kind: 'Alert',
  plural: 'alerts',
  singular: 'alert',
  listKind: 'AlertList',
  shortNames: [],
  categories: notificationCategories,
  annotations: substituteDisabled,
  versions: [
    { name: 'v1beta3', schema: AlertSchema, printerColumns: [ageColumn] },
    {
      name: 'v1beta2',
      schema: objectRoot(AlertSpecSchema, LegacyStatus),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta2', 'Alert', 'v1beta3'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(AlertSpecV1beta1, LegacyStatus),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta1', 'Alert', 'v1beta3'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Provider (§3). Older versions accept fewer types and fields; all are subsets of v1beta3.

const providerTypesV1beta1 = [
  'slack',
  'discord',
  'msteams',
  'rocket',
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'bitbucket',
  'azuredevops',
  'googlechat',
  'webex',
  'sentry',
  'azureeventhub',
  'telegram',
  'lark',
  'matrix',
  'opsgenie',
  'alertmanager',
  'grafana',
  'githubdispatch',
] as const;
const providerTypesV1beta2 = [
  ...providerTypesV1beta1,
  'gitea',
  'bitbucketserver',
  'googlepubsub',
  'pagerduty',
  'datadog',
] as const;
const providerTypes = [
  ...providerTypesV1beta2,
  'githubpullrequestcomment',
  'gitlabmergerequestcomment',
  'giteapullrequestcomment',
  'nats',
  'zulip',
  'otel',
  'zoom',
  'incident.io',
] as const;

const commitStatusTypes = ['github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops'];
const commitStatusExprOnlyForCommitStatusTypes: CelRule = {
  message: `spec.commitStatusExpr is only supported for the ${commitStatusTypes.map((t) => `'${t}'`).join(', ')} provider types`,
  rule: `${commitStatusTypes.map((t) => `self.type == '${t}'`).join(' || ')} || !has(self.commitStatusExpr)`,
};

const providerSpecProperties = {
  address: Type.Optional(Type.String({ maxLength: 2048 })),
  channel: Type.Optional(Type.String({ maxLength: 2048 })),
  username: Type.Optional(Type.String({ maxLength: 2048 })),
  secretRef: Type.Optional(LocalObjectReference),
  certSecretRef: Type.Optional(LocalObjectReference),
  proxy: Type.Optional(
    Type.String({ maxLength: 2048, pattern: '^(http|https)://.*$', description: 'Deprecated.' }),
  ),
  timeout: Type.Optional(TimeoutDuration('One delivery, retries included. Defaults to 15s.')),
  interval: Type.Optional(Duration('Deprecated: ignored.')),
  suspend: Flag(),
};

export const ProviderSpecSchema = Type.Object(
  {
    ...providerSpecProperties,
    type: LiteralEnum(providerTypes),
    proxySecretRef: Type.Optional(LocalObjectReference),
    serviceAccountName: OptionalString(),
    commitStatusExpr: Type.Optional(Type.String({ description: 'CEL over event, provider and alert.' })),
  },
  { 'x-kubernetes-validations': [commitStatusExprOnlyForCommitStatusTypes] },
);
const ProviderSpecV1beta2 = Type.Object({
  ...providerSpecProperties,
  type: LiteralEnum(providerTypesV1beta2),
});
const ProviderSpecV1beta1 = Type.Object({
  type: LiteralEnum(providerTypesV1beta1),
  address: Type.Optional(Type.String({ pattern: '^(http|https)://' })),
  channel: OptionalString(),
  username: OptionalString(),
  secretRef: Type.Optional(LocalObjectReference),
  certSecretRef: Type.Optional(LocalObjectReference),
  proxy: Type.Optional(Type.String({ pattern: '^(http|https)://' })),
  timeout: Type.Optional(TimeoutDuration()),
  suspend: Flag(),
});

export const ProviderSchema = rootWithoutStatus(ProviderSpecSchema);
export type ProviderSpec = Static<typeof ProviderSpecSchema>;
export type Provider = ObjectOf<typeof ProviderSchema>;

export const providerKind: KindSpec = {
  group: GROUP,
  kind: 'Provider',
  plural: 'providers',
  singular: 'provider',
  listKind: 'ProviderList',
  shortNames: [],
  categories: notificationCategories,
  annotations: substituteDisabled,
  versions: [
    { name: 'v1beta3', schema: ProviderSchema, printerColumns: [ageColumn] },
    {
      name: 'v1beta2',
      schema: objectRoot(ProviderSpecV1beta2, LegacyStatus),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta2', 'Provider', 'v1beta3'),
    },
    {
      name: 'v1beta1',
      schema: objectRoot(ProviderSpecV1beta1, LegacyStatus),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta1', 'Provider', 'v1beta3'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Receiver (§5).

const receiverTypesV1beta2 = [
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'dockerhub',
  'quay',
  'gcr',
  'nexus',
  'acr',
] as const;
const receiverTypes = [...receiverTypesV1beta2, 'generic-oidc', 'cdevents'] as const;

const OidcProvider = Type.Object({
  issuerURL: Type.String({ pattern: '^https?://', description: 'Must equal the token `iss`.' }),
  audience: Type.Optional(Type.String({ description: 'Defaults to notification-controller.' })),
  variables: Type.Optional(Type.Array(Type.Object({ name: Type.String(), expression: Type.String() }))),
  validations: Type.Array(Type.Object({ expression: Type.String(), message: Type.String() }), {
    minItems: 1,
  }),
});

const receiverOidcRules: CelRule[] = [
  {
    message: 'generic-oidc receivers must define at least one oidcProvider',
    rule: "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
  },
  {
    message: 'oidcProviders can only be set when type is generic-oidc',
    rule: "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0",
  },
  {
    message: 'secretRef cannot be set when type is generic-oidc',
    rule: "self.type != 'generic-oidc' || !has(self.secretRef)",
  },
  {
    message: 'secretRef is required when type is not generic-oidc',
    rule: "self.type == 'generic-oidc' || has(self.secretRef)",
  },
];

const EventTypes = () =>
  Type.Optional(
    Type.Array(Type.String(), { description: 'Accepted event types (github, gitlab, bitbucket, cdevents).' }),
  );

export const ReceiverSpecSchema = Type.Object(
  {
    type: LiteralEnum(receiverTypes),
    interval: Type.Optional(Duration('How often the Secret is re-read.', { default: '10m' })),
    events: EventTypes(),
    resources: Type.Array(Type.Object({ ...crossNamespaceRefProperties, filter: OptionalString() })),
    resourceFilter: Type.Optional(
      Type.String({ description: 'CEL over res, req (and claims for generic-oidc).' }),
    ),
    secretRef: Type.Optional(LocalObjectReference),
    oidcProviders: Type.Optional(
      Type.Array(OidcProvider, {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['issuerURL'],
      }),
    ),
    suspend: Flag(),
  },
  { 'x-kubernetes-validations': receiverOidcRules },
);
const ReceiverSpecV1beta2 = Type.Object({
  type: LiteralEnum(receiverTypesV1beta2),
  interval: Type.Optional(Duration()),
  events: EventTypes(),
  resources: Type.Array(Type.Object(crossNamespaceRefProperties)),
  secretRef: LocalObjectReference,
  suspend: Flag(),
});
const ReceiverSpecV1beta1 = Type.Object({
  type: LiteralEnum(receiverTypesV1beta2),
  events: EventTypes(),
  resources: Type.Array(
    Type.Object({
      ...crossNamespaceRefPropertiesV1beta1,
      kind: Type.Optional(LiteralEnum(fluxKindsV1beta1)),
    }),
  ),
  secretRef: Type.Optional(LocalObjectReference),
  suspend: Flag(),
});

const WebhookPath = () =>
  Type.Optional(Type.String({ description: '`/hook/` + sha256(token + name + namespace).' }));
const DeprecatedUrl = () => Type.Optional(Type.String({ description: 'Deprecated: same as webhookPath.' }));

export const ReceiverStatusSchema = Type.Object({ ...CommonStatusProperties, webhookPath: WebhookPath() });
const ReceiverStatusV1beta2 = Type.Object({
  ...CommonStatusProperties,
  webhookPath: WebhookPath(),
  url: DeprecatedUrl(),
});
const ReceiverStatusV1beta1 = Type.Object({ ...CommonStatusProperties, url: DeprecatedUrl() });

export const ReceiverSchema = objectRoot(ReceiverSpecSchema, ReceiverStatusSchema);
export type ReceiverSpec = Static<typeof ReceiverSpecSchema>;
export type ReceiverStatus = Static<typeof ReceiverStatusSchema>;
export type Receiver = ObjectOf<typeof ReceiverSchema>;

// v1beta1 reported the hook path as status.url, v1beta2 as both url and webhookPath, v1 only as
// webhookPath: the value is the same, so each direction copies it into the field it lacks (the
// old `url` itself is pruned from storage by normalisation).
function receiverToStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const statusObject = asJsonObject(out.status);
  if (statusObject && statusObject.webhookPath === undefined && typeof statusObject.url === 'string') {
    statusObject.webhookPath = statusObject.url;
  }
  return out;
}

function receiverFromStorage(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const statusObject = asJsonObject(out.status);
  if (statusObject && statusObject.url === undefined && typeof statusObject.webhookPath === 'string') {
    statusObject.url = statusObject.webhookPath;
  }
  return out;
}

export const receiverKind: KindSpec = {
  group: GROUP,
  kind: 'Receiver',
  plural: 'receivers',
  singular: 'receiver',
  listKind: 'ReceiverList',
  shortNames: [],
  categories: notificationCategories,
  versions: [
    { name: 'v1', schema: ReceiverSchema, printerColumns: statusColumns },
    {
      name: 'v1beta2',
      schema: objectRoot(ReceiverSpecV1beta2, ReceiverStatusV1beta2),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta2', 'Receiver', 'v1'),
      toStorage: receiverToStorage,
      fromStorage: receiverFromStorage,
    },
    {
      name: 'v1beta1',
      schema: objectRoot(ReceiverSpecV1beta1, ReceiverStatusV1beta1),
      printerColumns: statusColumns,
      ...deprecatedVersion('v1beta1', 'Receiver', 'v1'),
      toStorage: receiverToStorage,
      fromStorage: receiverFromStorage,
    },
  ],
};

export const notificationKinds: KindSpec[] = [alertKind, providerKind, receiverKind];
