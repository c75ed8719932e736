import type { GoValue, GoMap } from '@flotilla/gotemplate';

/** One Chart.yaml `dependencies` entry (Helm's chart.Dependency). */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  importValues?: (string | { child: string; parent: string })[];
  alias?: string;
}

/** Chart.yaml as Helm reads it (chart.Metadata); unknown fields are kept so `.Chart` can show them. */
export interface ChartMetadata {
  apiVersion?: string;
  name: string;
  version?: string;
  kubeVersion?: string;
  description?: string;
  type?: string;
  keywords?: string[];
  home?: string;
  sources?: string[];
  dependencies?: ChartDependency[];
  maintainers?: { name?: string; email?: string; url?: string }[];
  icon?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** A file of a chart; `name` is relative to the chart root with `/` separators. */
export interface ChartFile {
  name: string;
  data: Uint8Array;
}

/**
 * A loaded chart (Helm's chart.Chart). Values are already in the Go value model of
 * @flotilla/gotemplate with every YAML number as float64 (a JS number), as Helm reads values.
 */
export interface Chart {
  metadata: ChartMetadata;
  /** Files under templates/. */
  templates: ChartFile[];
  /** Every other file, as Helm's loader keeps them for `.Files` (incl. crds/; not Chart.yaml, values.yaml, values.schema.json, templates/ or charts/). */
  files: ChartFile[];
  /** values.yaml of this chart. */
  values: GoMap;
  /** values.schema.json, when present. */
  schema?: Uint8Array;
  /** Subcharts, in load order (vendored under charts/, directories or .tgz). */
  dependencies: Chart[];
  /** Set when this chart is a subchart. */
  parent?: Chart;
}

export type { GoValue };
