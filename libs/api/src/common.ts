// Schema pieces shared by several kinds. Kind modules import from here rather than redefining.
import {
  Type,
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TRecord,
  type TSchema,
  type TString,
  type TObject,
  type TProperties,
  type TUnion,
  type TUnknown,
} from '@sinclair/typebox';

/** Go duration as Flux's CRDs accept it for intervals. */
export const Duration = (description?: string, options: { default?: string } = {}) =>
  Type.String({
    pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
    ...(description ? { description } : {}),
    ...options,
  });

/** Go duration without hours, as source `timeout` fields accept it. */
export const TimeoutDuration = (description?: string) =>
  Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$', ...(description ? { description } : {}) });

export const LocalObjectReference = Type.Object({ name: Type.String() });

export const NamespacedObjectKindReference = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.String(),
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
});

/** metav1.Condition */
export const Condition = Type.Object({
  type: Type.String({
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0, format: 'int64' })),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  reason: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ maxLength: 32768 }),
});

/** status.artifact / status.includedArtifacts[] */
export const Artifact = Type.Object({
  path: Type.String(),
  url: Type.String(),
  revision: Type.String(),
  digest: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$' })),
  lastUpdateTime: Type.String({ format: 'date-time' }),
  size: Type.Optional(Type.Integer({ format: 'int64' })),
  metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** Fields every Flux status carries. */
export const CommonStatusProperties = {
  observedGeneration: Type.Optional(Type.Integer({ format: 'int64' })),
  conditions: Type.Optional(Type.Array(Condition)),
  lastHandledReconcileAt: Type.Optional(Type.String()),
};

/** Root of a version schema: apiVersion, kind, metadata, spec, status (status defaults to observedGeneration -1). */
export function objectRoot<S extends TSchema, P extends TProperties>(spec: S, status: TObject<P>) {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({})),
    spec: Type.Optional(spec),
    // Typed as the plain object so declaration emit needs no TypeBox-internal symbol names.
    status: Type.Optional({ ...status, default: { observedGeneration: -1 } } as TObject<P>),
  });
}

/** Printer columns every Flux CRD has, after any kind-specific ones. */
export const readyColumns = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
] as const;

// ---------------------------------------------------------------------------------------------
// Additions for schema authoring. Enums, free-form JSON and int-or-string are written with plain
// TypeBox (see LiteralEnum / FreeFormRecord below, Type.Unknown, IntOrString); crd.ts emits the
// Kubernetes keywords for them.

/** Kubernetes IntOrString; emitted as `x-kubernetes-int-or-string`. */
export const IntOrString = (options: SchemaOptions = {}) =>
  Type.Union([Type.Integer(), Type.String()], options);

/** A string-to-string map (labels, annotations, substitutions). */
export const StringMap = (options: Record<string, unknown> = {}) =>
  Type.Record(Type.String(), Type.String(), options);

/** A CEL rule as Flux's CRDs carry them; the structural validator does not evaluate CEL. */
export interface CelRule {
  rule: string;
  message: string;
}

/** `matchLabels`-style namespace selector list (accessFrom on v1beta2 sources, HelmRepository v1). */
export const AccessFrom = Type.Object({
  namespaceSelectors: Type.Array(Type.Object({ matchLabels: Type.Optional(StringMap()) })),
});

/** kustomize Selector (patch targets, drift-ignore targets, JSON6902 targets). */
export const KustomizeSelector = Type.Object({
  group: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  annotationSelector: Type.Optional(Type.String()),
  labelSelector: Type.Optional(Type.String()),
});

/** Categories Flux's CRDs list (README "Kinds and versions to serve"). */
export const sourceCategories = ['all', 'fluxcd', 'fluxcd-sources'];
export const applierCategories = ['all', 'fluxcd', 'fluxcd-appliers'];

/** Flux's CRD deprecation warning for an old served version. */
export const deprecationWarning = (version: string, kind: string, storage: string) =>
  `${version} ${kind} is deprecated, upgrade to ${storage}`;

/** The fields that mark an old served version deprecated, with Flux's warning naming the storage one. */
export const deprecatedVersion = (version: string, kind: string, storage = 'v1') => ({
  deprecated: true,
  deprecationWarning: deprecationWarning(version, kind, storage),
});

/** An optional boolean field, the most common flag shape in Flux's specs. */
export const Flag = () => Type.Optional(Type.Boolean());

/**
 * The object metadata fields controllers and the runtime read and write; the CRD schema leaves
 * metadata to the API server.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Record<string, unknown>[];
  managedFields?: { manager?: string; operation?: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** TypeScript type of an object of one version: the schema's Static type with typed metadata. */
export type ObjectOf<T extends TSchema> = Omit<Static<T>, 'metadata'> & { metadata?: ObjectMeta };

// ---------------------------------------------------------------------------------------------
// Natively checkable spellings. TypeBox's Value.Check rejects `Type.Unsafe` nodes it has no kind
// for; these forms check as they are and crd.ts still emits the Kubernetes keywords (`enum`,
// `x-kubernetes-preserve-unknown-fields`).

type LiteralsOf<T extends readonly string[]> = {
  [K in keyof T]: T[K] extends string ? TLiteral<T[K]> : never;
};

/** A string restricted to fixed values, as a union of literals (emitted as `enum`). */
export function LiteralEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnion<[...LiteralsOf<T>]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<[...LiteralsOf<T>]>;
}

/** A free-form JSON object kept as written (emitted as `type: object` + preserve-unknown-fields). */
export const FreeFormRecord = (options: SchemaOptions = {}): TRecord<TString, TUnknown> =>
  Type.Record(Type.String(), Type.Unknown(), options);

/** The value as a JSON object, or undefined when it is anything else (conversions read loosely typed input). */
export const asJsonObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
