// OCIRepository (spec source.md §3): resolve tag / semver (+ semverFilter) / digest to a manifest
// digest (a HEAD request when nothing changed), pull the selected layer and either extract it
// (ignore rules applied, re-archived) or copy the compressed blob as is; `<manifest-hex>.tar.gz`
// with the manifest annotations as artifact metadata. Signature verification (cosign, notation)
// is not implemented: SourceVerified=False with reason 'unsupported', and no artifact.
import { join } from 'node:path';
import { packDirectory, ArtifactError } from '@flotilla/artifacts';
import {
  artifactRevision,
  clientFor,
  OciNotFoundError,
  OciTooLargeError,
  OciUnauthorizedError,
  parseOciUrl,
  pullArtifact,
  withDigest,
  withTag,
  type OciClient,
  type OciReference,
} from '@flotilla/oci';
import { StallingError, type ReconcilerDefinition, type ReconcileScope } from '@flotilla/runtime';
import semver from 'semver';
import { describeError, failure, SourceConditions, SourceReasons } from '../conditions.js';
import {
  credentialsFailure,
  failingAs,
  markOutdated,
  markStored,
  rejectUnsupportedProvider,
  sourceReconciler,
  type SourceServices,
  storeArtifact,
} from '../common-steps.js';
import { treeIgnoreMatcher } from '../ignore-rules.js';
import { refOf, timeoutOf, type SourceObject } from '../source-object.js';
import type { Artifact } from '../storage.js';
import { withTempDir } from '../temp-dir.js';
import { ociClientOptions, type OciAccessSpec } from './oci-access.js';

export interface OCIRepositorySpec extends OciAccessSpec {
  url: string;
  ref?: { tag?: string; semver?: string; semverFilter?: string; digest?: string };
  layerSelector?: { mediaType?: string; operation?: 'extract' | 'copy' };
  verify?: { provider?: string };
  ignore?: string;
}

export type OCIRepositoryObject = SourceObject<OCIRepositorySpec>;
type Scope = ReconcileScope<OCIRepositoryObject>;

export const MAX_OCI_ARTIFACT_BYTES = 100 * 1024 * 1024;

/** Lenient SemVer of a tag (optional `v`), or undefined. */
function tagVersion(tag: string): semver.SemVer | undefined {
  return semver.parse(tag.replace(/^v/, ''), { loose: true }) ?? undefined;
}

/** The highest tag matching `range` (and `filter`, a regex), or undefined. */
export function selectSemverTag(tags: readonly string[], range: string, filter?: string): string | undefined {
  const wanted = new semver.Range(range.replace(/,/g, ' '), { loose: true });
  const pattern = filter ? new RegExp(filter) : undefined;
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const tag of tags) {
    if (pattern && !pattern.test(tag)) continue;
    const version = tagVersion(tag);
    if (!version || !wanted.test(version)) continue;
    if (!best || semver.gt(version, best.version)) best = { tag, version };
  }
  return best?.tag;
}

async function targetReference(scope: Scope, client: OciClient, base: OciReference): Promise<OciReference> {
  const ref = scope.object.spec.ref ?? {};
  if (ref.digest) return withDigest(base, ref.digest);
  if (ref.semver) {
    let tag: string | undefined;
    try {
      tag = selectSemverTag(await client.listTags(base), ref.semver, ref.semverFilter);
    } catch (error) {
      throw pullFailure(scope, error, 'failed to determine artifact tag');
    }
    if (!tag)
      throw failure(
        scope,
        'FetchFailed',
        SourceReasons.OCIArtifactPullFailed,
        `failed to determine the artifact tag for '${scope.object.spec.url}': no match found for semver: ${ref.semver}`,
      );
    return withTag(base, tag);
  }
  return withTag(base, ref.tag || 'latest');
}

function pullFailure(scope: Scope, error: unknown, context: string) {
  const reason =
    error instanceof OciUnauthorizedError
      ? SourceReasons.AuthenticationFailed
      : SourceReasons.OCIArtifactPullFailed;
  return failure(scope, 'FetchFailed', reason, `${context}: ${describeError(error)}`, { cause: error });
}

function layerFailure(scope: Scope, error: unknown) {
  return failure(
    scope,
    'FetchFailed',
    SourceReasons.OCIArtifactLayerOperationFailed,
    `failed to extract layer contents from artifact: ${describeError(error)}`,
    { cause: error },
  );
}

function contentConfigUnchanged(scope: Scope): boolean {
  const { spec } = scope.object;
  return (
    scope.status.observedIgnore === spec.ignore &&
    JSON.stringify(scope.status.observedLayerSelector ?? null) === JSON.stringify(spec.layerSelector ?? null)
  );
}

function rejectVerification(scope: Scope): void {
  const provider = scope.object.spec.verify?.provider ?? 'cosign';
  const message = `signature verification with ${provider} is not supported yet by this controller`;
  scope.conditions.markFalse(SourceConditions.SourceVerified, SourceReasons.Unsupported, message);
  throw new StallingError(SourceReasons.VerificationError, message);
}

async function client(scope: Scope, reference: OciReference): Promise<OciClient> {
  return failingAs(scope, credentialsFailure('failed to get credentials'), async () => {
    const options = await ociClientOptions(
      scope.kube,
      scope.object.metadata?.namespace ?? '',
      scope.object.spec,
      reference,
      {
        allowBasic: false,
        timeoutMs: timeoutOf(scope.object),
      },
    );
    return clientFor(reference, options);
  });
}

async function pullAndStore(
  scope: Scope,
  services: SourceServices,
  registry: OciClient,
  reference: OciReference,
): Promise<void> {
  const { spec } = scope.object;
  await withTempDir('oci', async (dir) => {
    const into = join(dir, 'content');
    let pulled;
    try {
      pulled = await pullArtifact(registry, reference, {
        layerSelector: spec.layerSelector,
        into,
        maxBytes: MAX_OCI_ARTIFACT_BYTES,
      });
    } catch (error) {
      if (
        error instanceof ArtifactError ||
        error instanceof OciTooLargeError ||
        (error instanceof OciNotFoundError && /layer/.test(error.message))
      )
        throw layerFailure(scope, error);
      throw pullFailure(scope, error, `failed to pull artifact from '${spec.url}'`);
    }
    await markOutdated(scope, pulled.revision);
    let body;
    if (pulled.operation === 'copy') body = pulled.blob;
    else {
      const matcher = await treeIgnoreMatcher(into, spec.ignore);
      body = packDirectory(into, {
        filter: (path, entry) => !matcher.ignores(path, entry.type === 'directory'),
      });
    }
    await storeArtifact(scope, services, {
      kind: 'OCIRepository',
      file: `${pulled.digest.slice(pulled.digest.indexOf(':') + 1)}.tar.gz`,
      body,
      revision: pulled.revision,
      metadata: pulled.annotations,
      eventMessage: `stored artifact with revision '${pulled.revision}' from '${spec.url}'`,
    });
  });
}

async function reconcileOci(scope: Scope, services: SourceServices): Promise<void> {
  const { spec } = scope.object;
  rejectUnsupportedProvider(scope, spec.provider);
  const base = await failingAs(
    scope,
    {
      type: 'FetchFailed',
      reason: SourceReasons.URLInvalid,
      message: `URL validation failed for '${spec.url}'`,
      stall: true,
    },
    () => parseOciUrl(spec.url),
  );
  if (spec.verify) rejectVerification(scope);
  scope.conditions.delete(SourceConditions.SourceVerified);
  const registry = await client(scope, base);
  try {
    const reference = await targetReference(scope, registry, base);
    let revision: string;
    try {
      revision = artifactRevision(reference, (await registry.headManifest(reference)).digest);
    } catch (error) {
      throw pullFailure(scope, error, `failed to determine artifact digest`);
    }
    const current = scope.status.artifact as Artifact | undefined;
    if (current?.revision === revision && contentConfigUnchanged(scope)) markStored(scope, revision);
    else await pullAndStore(scope, services, registry, reference);
  } finally {
    registry.close();
  }
  scope.status.url = services.storage.aliasUrl(refOf('OCIRepository', scope.object));
  if (spec.ignore === undefined) delete scope.status.observedIgnore;
  else scope.status.observedIgnore = spec.ignore;
  if (spec.layerSelector) scope.status.observedLayerSelector = spec.layerSelector;
  else delete scope.status.observedLayerSelector;
}

export function ociRepositoryReconciler(services: SourceServices): ReconcilerDefinition<OCIRepositoryObject> {
  return sourceReconciler('OCIRepository', services, {
    name: 'reconcile oci',
    run: (scope) => reconcileOci(scope, services),
  });
}
