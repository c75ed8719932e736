/**
 * The top-level values a chart renders with (chartutil.ToRenderValues): .Values, .Release, .Chart,
 * .Capabilities; and the Go struct values behind .Chart and .Capabilities.
 */
import { FuncError, GoFunc, GoStruct, withMethods, type GoMap, type GoValue } from '@flotilla/gotemplate';
import type { Chart, ChartMetadata } from '../chart/types.js';
import { parseVersion } from '../sprig/semver.js';
import { coalesceValues, type CoalesceOptions } from './coalesce.js';

/** Helm's version as .Capabilities.HelmVersion reports it (the version the corpus was produced with). */
export const HELM_VERSION = 'v3.21.4';

/**
 * Kubernetes version of Helm's test build, which `helm template` reports without --kube-version.
 * Real Helm releases set it at build time from their client-go version (v1.34/v1.35 for 3.21.x).
 */
export const DEFAULT_KUBE_VERSION = 'v1.20.0';

/**
 * chartutil.DefaultVersionSet: every group/version client-go's scheme registers, plus the
 * apiextensions versions Helm adds so CRDs are known.
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1alpha1',
  'certificates.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1alpha1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1alpha1',
  'rbac.authorization.k8s.io/v1beta1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1alpha3',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1beta2',
  'scheduling.k8s.io/v1',
  'scheduling.k8s.io/v1alpha1',
  'scheduling.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storage.k8s.io/v1beta1',
  'storagemigration.k8s.io/v1alpha1',
  'apiextensions.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1',
];

export interface CapabilitiesOptions {
  /** `--kube-version`, e.g. "1.29" or "v1.29.3"; default DEFAULT_KUBE_VERSION. */
  kubeVersion?: string;
  /** `--api-versions`, added to the default set. */
  apiVersions?: string[];
}

export class KubeVersionError extends Error {
  override name = 'KubeVersionError';
}

/** chartutil.ParseKubeVersion: "1.22" → {Version: "v1.22.0", Major: "1", Minor: "22"}. */
export function parseKubeVersion(text: string): { version: string; major: string; minor: string } {
  let v;
  try {
    v = parseVersion(text.trim());
  } catch (e) {
    if (e instanceof FuncError) throw new KubeVersionError(`invalid kube version "${text}": ${e.message}`);
    throw e;
  }
  const pre = v.prerelease ? `-${v.prerelease}` : '';
  const meta = v.metadata ? `+${v.metadata}` : '';
  return {
    version: `v${v.major}.${v.minor}.${v.patch}${pre}${meta}`,
    major: v.major.toString(),
    minor: v.minor.toString(),
  };
}

function stringMethod(name: string, value: string): GoFunc {
  return new GoFunc(name, () => value, { params: [] });
}

/** Helm's Capabilities (KubeVersion with String/GitVersion, APIVersions with Has, HelmVersion). */
export function capabilities(options: CapabilitiesOptions = {}): GoStruct {
  const kv = parseKubeVersion(options.kubeVersion ?? DEFAULT_KUBE_VERSION);
  const kubeVersion = new GoStruct(
    'chartutil.KubeVersion',
    { Version: kv.version, Major: kv.major, Minor: kv.minor },
    { String: stringMethod('String', kv.version), GitVersion: stringMethod('GitVersion', kv.version) },
  );
  const versions: GoValue[] = [...DEFAULT_API_VERSIONS, ...(options.apiVersions ?? [])];
  const apiVersions = withMethods(versions, {
    Has: new GoFunc('Has', (v) => versions.includes(v as string), { params: ['string'] }),
  });
  const helmVersion = new GoStruct('version.BuildInfo', {
    Version: HELM_VERSION,
    GitCommit: '',
    GitTreeState: '',
    GoVersion: 'go1.25.0',
  });
  return new GoStruct('*chartutil.Capabilities', {
    KubeVersion: kubeVersion,
    APIVersions: apiVersions,
    HelmVersion: helmVersion,
  });
}

function strings(v: unknown): GoValue[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function maintainer(m: { name?: string; email?: string; url?: string }): GoStruct {
  return new GoStruct('*chart.Maintainer', { Name: str(m.name), Email: str(m.email), URL: str(m.url) });
}

function dependency(d: NonNullable<ChartMetadata['dependencies']>[number]): GoStruct {
  const importValues: GoValue[] = (d.importValues ?? []).map((iv) =>
    typeof iv === 'string' ? iv : { child: iv.child, parent: iv.parent },
  );
  return new GoStruct('*chart.Dependency', {
    Name: d.name,
    Version: str(d.version),
    Repository: str(d.repository),
    Condition: str(d.condition),
    Tags: strings(d.tags),
    Enabled: d.enabled ?? false,
    ImportValues: importValues,
    Alias: str(d.alias),
  });
}

function metadataFields(m: ChartMetadata): Record<string, GoValue> {
  const annotations: GoMap = {};
  for (const [k, v] of Object.entries(m.annotations ?? {})) annotations[k] = String(v);
  return {
    Name: str(m.name),
    Home: str(m.home),
    Sources: strings(m.sources),
    Version: str(m.version),
    Description: str(m.description),
    Keywords: strings(m.keywords),
    Maintainers: (m.maintainers ?? []).map(maintainer),
    Icon: str(m.icon),
    APIVersion: str(m.apiVersion),
    Condition: str(m['condition']),
    Tags: str(m['tags']),
    AppVersion: str(m.appVersion),
    Deprecated: m.deprecated === true,
    Annotations: annotations,
    KubeVersion: str(m.kubeVersion),
    Dependencies: (m.dependencies ?? []).map(dependency),
    Type: str(m.type),
  };
}

/**
 * `.Chart`: chart.Metadata's fields; inside the engine (isRoot given) also `IsRoot`, as Helm
 * embeds the metadata in a struct with that extra field.
 */
export function chartMetadataValue(m: ChartMetadata, isRoot?: boolean): GoStruct {
  const fields = metadataFields(m);
  if (isRoot === undefined) return new GoStruct('*chart.Metadata', fields);
  return new GoStruct('struct { chart.Metadata; IsRoot bool }', { ...fields, IsRoot: isRoot });
}

export interface ReleaseOptions {
  name: string;
  namespace: string;
  /** Default 1, as `helm template` and a first install use. */
  revision?: number;
  isUpgrade?: boolean;
  /** Default: !isUpgrade. */
  isInstall?: boolean;
}

/**
 * chartutil.ToRenderValues: Chart, Capabilities, Release and Values (the chart's defaults coalesced
 * with `userValues`). Schema validation is the caller's, on the returned Values.
 */
export function toRenderValues(
  chart: Chart,
  userValues: GoMap,
  release: ReleaseOptions,
  caps: GoStruct = capabilities(),
  options: CoalesceOptions = {},
): GoMap {
  const isUpgrade = release.isUpgrade ?? false;
  return {
    Chart: chartMetadataValue(chart.metadata),
    Capabilities: caps,
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      IsUpgrade: isUpgrade,
      IsInstall: release.isInstall ?? !isUpgrade,
      Revision: BigInt(release.revision ?? 1),
      Service: 'Helm',
    },
    Values: coalesceValues(chart, userValues, options),
  };
}
