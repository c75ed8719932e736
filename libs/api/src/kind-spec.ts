import type { TObject } from '@sinclair/typebox';

/** A printer column exactly as it appears in a CRD version (additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** A plain JSON object as read from the API server or a manifest. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
};

/** One served version of a kind. */
export interface VersionSpec {
  /** e.g. 'v1', 'v1beta2'. */
  name: string;
  /** Root object schema of this version: apiVersion, kind, metadata, spec, status. */
  schema: TObject;
  printerColumns: PrinterColumn[];
  deprecated?: boolean;
  deprecationWarning?: string;
  /**
   * Reads an object of this version into the storage (internal, newest) shape. The storage
   * version omits it. `apiVersion` is rewritten by the caller; this moves or renames fields.
   */
  toStorage?: (obj: KubeObject) => KubeObject;
  /** Writes an internal-shaped object back as this version (inverse of toStorage). */
  fromStorage?: (obj: KubeObject) => KubeObject;
}

/** Everything needed to generate a CRD and to normalise objects of one kind. */
export interface KindSpec {
  group: string;
  kind: string;
  /** lower-case plural, e.g. 'gitrepositories'. */
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
  /** Served versions, storage version first. */
  versions: VersionSpec[];
  /** Extra CRD metadata annotations (e.g. kustomize.toolkit.fluxcd.io/substitute: disabled). */
  annotations?: Record<string, string>;
}
