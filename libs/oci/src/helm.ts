// Helm charts in OCI registries (`helm push` / `helm pull oci://…`): the chart .tgz as a layer of
// Helm's content media type, Chart.yaml as JSON config, tags = versions with `+` written `_`.
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import semver from 'semver';
import tar from 'tar-stream';
import { parse as parseYaml } from 'yaml';
import type { ImageManifest, OciClient } from './client.js';
import { isIndex } from './client.js';
import { OciConfigError, OciProtocolError } from './errors.js';
import { artifactRevision } from './artifact.js';
import {
  ANNOTATION_CREATED,
  ANNOTATION_SOURCE,
  HELM_CHART_CONTENT,
  HELM_CONFIG,
  HELM_PROVENANCE,
  OCI_MANIFEST,
} from './media-types.js';
import { childReference, formatReference, withTag, type OciReference } from './reference.js';

/** Chart.yaml as Helm writes it into the config blob (JSON, empty fields left out). */
export type ChartMetadata = Record<string, unknown> & { name: string; version: string };

export const DEFAULT_CHART_MAX_BYTES = 10 * 1024 * 1024;
const CHART_YAML_LIMIT = 1024 * 1024;

/** OCI tags cannot hold `+`; Helm writes `_` instead. */
export function chartVersionToTag(version: string): string {
  return version.replaceAll('+', '_');
}

export function tagToChartVersion(tag: string): string {
  return tag.replaceAll('_', '+');
}

async function chartYamlOf(chart: Uint8Array): Promise<string> {
  let tarBytes: Buffer;
  try {
    tarBytes = gunzipSync(chart, { maxOutputLength: 512 * 1024 * 1024 });
  } catch (error) {
    throw new OciConfigError(`chart archive is not gzip: ${(error as Error).message}`, error);
  }
  const extract = tar.extract();
  Readable.from([tarBytes]).pipe(extract);
  let found: string | undefined;
  for await (const entry of extract) {
    const parts = entry.header.name.split('/');
    const wanted = found === undefined && parts.length === 2 && parts[1] === 'Chart.yaml';
    if (wanted && entry.header.size !== undefined && entry.header.size <= CHART_YAML_LIMIT) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found = Buffer.concat(chunks).toString('utf8');
    } else {
      entry.resume();
    }
  }
  if (found === undefined) throw new OciConfigError('chart archive has no <chart>/Chart.yaml');
  return found;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** Reads Chart.yaml from a packaged chart (.tgz). */
export async function readChartMetadata(chart: Uint8Array): Promise<ChartMetadata> {
  const parsed = parseYaml(await chartYamlOf(chart)) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new OciConfigError('Chart.yaml is not a mapping');
  const metadata = Object.fromEntries(Object.entries(parsed).filter(([, value]) => !isEmpty(value)));
  const { name, version } = metadata;
  if (typeof name !== 'string' || name === '') throw new OciConfigError('Chart.yaml has no name');
  if (typeof version !== 'string' || !semver.valid(version)) {
    throw new OciConfigError(`Chart.yaml version ${JSON.stringify(version)} is not SemVer`);
  }
  return { ...metadata, name, version };
}

function maintainersText(maintainers: unknown): string | undefined {
  if (!Array.isArray(maintainers)) return undefined;
  const people = maintainers
    .map((entry: { name?: unknown; email?: unknown }) =>
      [entry.name, entry.email ? `(${String(entry.email)})` : undefined].filter(Boolean).join(' '),
    )
    .filter((text) => text !== '');
  return people.length > 0 ? people.join(', ') : undefined;
}

/** The manifest annotations `helm push` derives from Chart.yaml. */
export function chartAnnotations(
  metadata: ChartMetadata,
  created: Date = new Date(),
): Record<string, string> {
  const annotations: Record<string, string> = {};
  const custom = metadata.annotations;
  if (custom && typeof custom === 'object') {
    for (const [key, value] of Object.entries(custom)) annotations[key] = String(value);
  }
  const set = (key: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') annotations[key] = value;
  };
  set('org.opencontainers.image.title', metadata.name);
  set('org.opencontainers.image.version', metadata.version);
  set('org.opencontainers.image.description', metadata.description);
  set('org.opencontainers.image.url', metadata.home);
  set(ANNOTATION_SOURCE, Array.isArray(metadata.sources) ? metadata.sources[0] : undefined);
  set('org.opencontainers.image.authors', maintainersText(metadata.maintainers));
  set(ANNOTATION_CREATED, created.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return annotations;
}

export interface PushedChart {
  /** `<repository>/<name>:<version with + as _>@<digest>` */
  reference: OciReference;
  digest: string;
  name: string;
  version: string;
  manifest: ImageManifest;
}

/**
 * Pushes a packaged chart like `helm push chart.tgz oci://host/path`: to `<path>/<name>`, tagged
 * with the chart version (`+` → `_`).
 */
export async function pushHelmChart(
  client: OciClient,
  repository: OciReference,
  chart: Uint8Array,
  options: { provenance?: Uint8Array; created?: Date } = {},
): Promise<PushedChart> {
  const metadata = await readChartMetadata(chart);
  const target = withTag(childReference(repository, metadata.name), chartVersionToTag(metadata.version));
  const config = await client.pushBlob(target, Buffer.from(JSON.stringify(metadata)));
  const layers = [{ mediaType: HELM_CHART_CONTENT, ...(await client.pushBlob(target, chart)) }];
  if (options.provenance) {
    layers.push({ mediaType: HELM_PROVENANCE, ...(await client.pushBlob(target, options.provenance)) });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: HELM_CONFIG, ...config },
    layers,
    annotations: chartAnnotations(metadata, options.created),
  };
  const digest = await client.putManifest(target, manifest, OCI_MANIFEST);
  return {
    reference: { ...target, digest },
    digest,
    name: metadata.name,
    version: metadata.version,
    manifest,
  };
}

export interface PulledChart {
  reference: OciReference;
  digest: string;
  /** `<tag>@sha256:<hex>` or `sha256:<hex>` for digest references. */
  revision: string;
  /** Chart.yaml from the config blob. */
  metadata: ChartMetadata;
  /** The chart .tgz, digest-verified. */
  chart: Buffer;
  provenance?: Buffer;
}

/** Pulls a chart by tag (the version, `+` written `_`) or digest. */
export async function pullHelmChart(
  client: OciClient,
  reference: OciReference,
  options: { maxBytes?: number } = {},
): Promise<PulledChart> {
  const fetched = await client.getManifest(reference);
  const name = formatReference(reference);
  if (isIndex(fetched.manifest)) throw new OciProtocolError(`${name} is an index, not a Helm chart`);
  const manifest = fetched.manifest;
  if (manifest.config?.mediaType !== HELM_CONFIG) {
    throw new OciProtocolError(
      `${name} is not a Helm chart: config media type ${manifest.config?.mediaType}`,
    );
  }
  const layer = manifest.layers.find((entry) => entry.mediaType === HELM_CHART_CONTENT);
  if (!layer) throw new OciProtocolError(`${name} has no ${HELM_CHART_CONTENT} layer`);
  const maxBytes = options.maxBytes ?? DEFAULT_CHART_MAX_BYTES;
  const configBytes = await client.readBlob(reference, manifest.config.digest, {
    maxBytes: CHART_YAML_LIMIT,
    size: manifest.config.size,
  });
  const metadata = JSON.parse(configBytes.toString('utf8')) as ChartMetadata;
  const chart = await client.readBlob(reference, layer.digest, { maxBytes, size: layer.size });
  const provenanceLayer = manifest.layers.find((entry) => entry.mediaType === HELM_PROVENANCE);
  const provenance = provenanceLayer
    ? await client.readBlob(reference, provenanceLayer.digest, { maxBytes, size: provenanceLayer.size })
    : undefined;
  return {
    reference: { ...reference, digest: fetched.digest },
    digest: fetched.digest,
    revision: artifactRevision(reference, fetched.digest),
    metadata,
    chart,
    ...(provenance ? { provenance } : {}),
  };
}

export interface ChartVersionTag {
  version: string;
  tag: string;
}

/** SemVer versions among the tags of `<repository>/<chart>`, highest first. */
export async function listChartVersions(
  client: OciClient,
  chartRepository: OciReference,
  options: { pageSize?: number } = {},
): Promise<ChartVersionTag[]> {
  const tags = await client.listTags(chartRepository, options);
  return tags
    .map((tag) => ({ tag, version: tagToChartVersion(tag) }))
    .filter((entry) => semver.valid(entry.version) !== null)
    .sort((a, b) => semver.rcompare(a.version, b.version));
}

/**
 * The highest version matching a SemVer range (`*` or empty: highest stable); prereleases only when
 * the range names one, as Helm does. Undefined when none matches.
 */
export async function resolveChartVersion(
  client: OciClient,
  chartRepository: OciReference,
  range: string,
): Promise<ChartVersionTag | undefined> {
  const versions = await listChartVersions(client, chartRepository);
  const wanted = range.trim() === '' ? '*' : range;
  if (semver.validRange(wanted) === null) throw new OciConfigError(`invalid SemVer range "${range}"`);
  return versions.find((entry) => semver.satisfies(entry.version, wanted));
}
