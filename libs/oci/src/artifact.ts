// Flux OCI artifacts (`flux push artifact` / OCIRepository): one tar+gzip content layer, an empty
// config of Flux's media type, and source/revision/created annotations on the manifest.
import type { Readable } from 'node:stream';
import {
  packDirectory,
  packEntries,
  unpackTarball,
  type PackEntryContent,
  type PackFilter,
  type UnpackResult,
} from '@flotilla/artifacts';
import type { Descriptor, FetchedManifest, ImageManifest, OciClient } from './client.js';
import { isIndex } from './client.js';
import { OciNotFoundError, OciReferenceError } from './errors.js';
import {
  ANNOTATION_CREATED,
  ANNOTATION_REVISION,
  ANNOTATION_SOURCE,
  FLUX_CONFIG,
  FLUX_CONTENT,
  OCI_MANIFEST,
} from './media-types.js';
import { formatReference, manifestReference, type OciReference } from './reference.js';

export type ArtifactContent =
  | { dir: string; filter?: PackFilter }
  | { files: Record<string, PackEntryContent> }
  /** An already built tar+gzip. */
  | { tarball: Uint8Array };

export interface PushArtifactOptions {
  content: ArtifactContent;
  /** `org.opencontainers.image.source`, e.g. the Git URL. */
  source?: string;
  /** `org.opencontainers.image.revision`, e.g. `main@sha1:<hex>`. */
  revision?: string;
  /** `org.opencontainers.image.created`; default now (RFC 3339). */
  created?: Date | string;
  /** More manifest annotations. */
  annotations?: Record<string, string>;
  /** Layer and config media types (default Flux's). */
  layerMediaType?: string;
  configMediaType?: string;
}

export interface PushedArtifact {
  /** The reference with the manifest digest filled in. */
  reference: OciReference;
  digest: string;
  /** `<tag>@sha256:<hex>` as an OCIRepository reports it. */
  revision: string;
  manifest: ImageManifest;
}

export interface LayerSelector {
  /** First layer with this media type; default the first layer. */
  mediaType?: string;
  /** `extract`: unpack the tar+gzip layer; `copy`: hand out the compressed blob as is. Default extract. */
  operation?: 'extract' | 'copy';
}

export interface PullArtifactOptions {
  layerSelector?: LayerSelector;
  /** extract: the directory to unpack into (must not exist or be empty). */
  into?: string;
  /** Cap on the compressed layer, and (extract) on the unpacked bytes; default 100 MiB. */
  maxBytes?: number;
}

export interface ResolvedArtifact {
  reference: OciReference;
  /** Digest of the manifest the reference resolves to (of the index for multi-platform tags). */
  digest: string;
  revision: string;
  /** The manifest's annotations (status.artifact.metadata). */
  annotations: Record<string, string>;
  manifest: ImageManifest;
  layer: Descriptor;
  operation: 'extract' | 'copy';
}

export type PulledArtifact =
  | (ResolvedArtifact & {
      operation: 'copy';
      /** Verified compressed layer; read to the end. */ blob: Readable;
    })
  | (ResolvedArtifact & { operation: 'extract'; extracted: UnpackResult });

export const DEFAULT_ARTIFACT_MAX_BYTES = 100 * 1024 * 1024;

/** Revision string of a resolved reference: `sha256:<hex>` for digest refs, else `<tag>@sha256:<hex>`. */
export function artifactRevision(reference: OciReference, digest: string): string {
  return reference.digest && !reference.tag ? digest : `${reference.tag ?? 'latest'}@${digest}`;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function tarballOf(content: ArtifactContent): Promise<Uint8Array> {
  if ('tarball' in content) return content.tarball;
  if ('files' in content) return collect(packEntries(content.files));
  return collect(packDirectory(content.dir, content.filter ? { filter: content.filter } : {}));
}

function manifestAnnotations(options: PushArtifactOptions): Record<string, string> {
  const created = options.created ?? new Date();
  return {
    ...options.annotations,
    [ANNOTATION_CREATED]:
      typeof created === 'string' ? created : created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(options.source ? { [ANNOTATION_SOURCE]: options.source } : {}),
    ...(options.revision ? { [ANNOTATION_REVISION]: options.revision } : {}),
  };
}

/** Pushes files, a directory or a tarball as a Flux artifact under the reference's tag. */
export async function pushArtifact(
  client: OciClient,
  reference: OciReference,
  options: PushArtifactOptions,
): Promise<PushedArtifact> {
  if (reference.digest || reference.tag === undefined) {
    throw new OciReferenceError(`pushing ${formatReference(reference)}: give a tag and no digest`);
  }
  const tarball = await tarballOf(options.content);
  const config = Buffer.from('{}');
  const configBlob = await client.pushBlob(reference, config);
  const layerBlob = await client.pushBlob(reference, tarball);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: options.configMediaType ?? FLUX_CONFIG, ...configBlob },
    layers: [{ mediaType: options.layerMediaType ?? FLUX_CONTENT, ...layerBlob }],
    annotations: manifestAnnotations(options),
  };
  const digest = await client.putManifest(reference, manifest, OCI_MANIFEST);
  return {
    reference: { ...reference, digest },
    digest,
    revision: artifactRevision(reference, digest),
    manifest,
  };
}

function selectLayer(
  fetched: FetchedManifest,
  selector: LayerSelector | undefined,
  name: string,
): Descriptor {
  if (isIndex(fetched.manifest)) throw new OciNotFoundError(`${name}: no image manifest`);
  const layers = fetched.manifest.layers ?? [];
  const layer = selector?.mediaType
    ? layers.find((entry) => entry.mediaType === selector.mediaType)
    : layers[0];
  if (!layer) {
    throw new OciNotFoundError(
      selector?.mediaType
        ? `${name}: no layer with media type ${selector.mediaType}`
        : `${name}: the manifest has no layers`,
    );
  }
  return layer;
}

/**
 * Resolves a reference (tag default `latest`) to its manifest and chosen layer without
 * downloading the layer. Multi-platform indexes resolve to linux/amd64 (revision stays the index digest).
 */
export async function resolveArtifact(
  client: OciClient,
  reference: OciReference,
  selector?: LayerSelector,
): Promise<ResolvedArtifact> {
  const top = await client.getManifest(reference);
  const image = isIndex(top.manifest) ? await client.getImageManifest(reference) : top;
  const name = `${formatReference(reference)}${reference.digest || reference.tag ? '' : `:${manifestReference(reference)}`}`;
  const manifest = image.manifest as ImageManifest;
  return {
    reference: { ...reference, digest: top.digest },
    digest: top.digest,
    revision: artifactRevision(reference, top.digest),
    annotations: { ...manifest.annotations },
    manifest,
    layer: selectLayer(image, selector, name),
    operation: selector?.operation ?? 'extract',
  };
}

/**
 * Pulls a Flux artifact: resolves the reference, picks the layer (layerSelector) and either
 * unpacks it into `into` (extract; safely, via @flotilla/artifacts) or returns the verified
 * compressed blob stream (copy).
 */
export async function pullArtifact(
  client: OciClient,
  reference: OciReference,
  options: PullArtifactOptions = {},
): Promise<PulledArtifact> {
  const resolved = await resolveArtifact(client, reference, options.layerSelector);
  const maxBytes = options.maxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES;
  const blob = await client.fetchBlob(reference, resolved.layer.digest, {
    maxBytes,
    size: resolved.layer.size,
  });
  if (resolved.operation === 'copy') return { ...resolved, operation: 'copy', blob };
  if (!options.into) {
    blob.destroy();
    throw new OciReferenceError('pullArtifact with operation extract needs `into`');
  }
  const extracted = await unpackTarball(blob, options.into, { maxBytes });
  return { ...resolved, operation: 'extract', extracted };
}
