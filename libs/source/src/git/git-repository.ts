// GitRepository (spec source.md §2): check out the ref (HTTPS or SSH, credentials, proxy,
// submodules, sparse checkout), verify signatures, copy includes, apply the ignore rules and
// store `<commit>.tar.gz` with revision `<ref>@sha1:<hex>`. Nothing is fetched when the remote
// ref still points at the stored commit and no content-affecting spec field changed.
import { join } from 'node:path';
import { packDirectory } from '@flotilla/artifacts';
import {
  authFromSecretData,
  checkout,
  GitAuthError,
  GitError,
  proxyFromSecretData,
  type CheckoutChanged,
  type CheckoutOptions,
  type GitAuth,
  type ProxyOptions,
} from '@flotilla/git';
import {
  ReconcileError,
  WaitingError,
  type ReconcilerDefinition,
  type ReconcileScope,
} from '@flotilla/runtime';
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
import { readSecretRef, timeoutOf, type SourceObject } from '../source-object.js';
import type { Artifact } from '../storage.js';
import { withTempDir } from '../temp-dir.js';
import { applyIncludes, includedArtifacts, IncludeUnavailableError, type GitInclude } from './include.js';
import { normaliseMode, trustedKeys, verifyCheckout } from './verification.js';

export interface GitRepositorySpec {
  url: string;
  secretRef?: { name: string };
  provider?: string;
  ref?: { branch?: string; tag?: string; semver?: string; name?: string; commit?: string };
  verify?: { mode?: string; secretRef: { name: string } };
  proxySecretRef?: { name: string };
  ignore?: string;
  recurseSubmodules?: boolean;
  include?: GitInclude[];
  sparseCheckout?: string[];
}

export type GitRepositoryObject = SourceObject<GitRepositorySpec>;
type Scope = ReconcileScope<GitRepositoryObject>;

interface Access {
  auth?: GitAuth;
  proxy?: ProxyOptions;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sparseOf(spec: GitRepositorySpec): string[] | undefined {
  const dirs = (spec.sparseCheckout ?? []).map((d) => d.replace(/^(\.\/)+/, ''));
  return dirs.length > 0 ? dirs : undefined;
}

/** True when every content-affecting field matches what the stored artifact was built from. */
function contentConfigUnchanged(scope: Scope, includes: Artifact[]): boolean {
  const { spec } = scope.object;
  const status = scope.status;
  const observedIncludes = (status.includedArtifacts as Artifact[] | undefined) ?? [];
  return (
    status.observedIgnore === spec.ignore &&
    (status.observedRecurseSubmodules ?? false) === (spec.recurseSubmodules ?? false) &&
    sameJson(status.observedInclude ?? [], spec.include ?? []) &&
    sameJson(status.observedSparseCheckout ?? [], sparseOf(spec) ?? []) &&
    sameJson(
      observedIncludes.map((a) => a.revision),
      includes.map((a) => a.revision),
    ) &&
    (spec.verify === undefined || status.sourceVerificationMode === normaliseMode(spec.verify.mode))
  );
}

async function access(scope: Scope): Promise<Access> {
  const { spec, metadata } = scope.object;
  const namespace = metadata?.namespace ?? '';
  return failingAs(scope, credentialsFailure('failed to get secret'), async () => {
    const secret = await readSecretRef(scope.kube, namespace, spec.secretRef);
    const proxySecret = await readSecretRef(scope.kube, namespace, spec.proxySecretRef);
    return {
      ...(secret ? { auth: authFromSecretData(secret) } : {}),
      ...(proxySecret ? { proxy: proxyFromSecretData(proxySecret) } : {}),
    };
  });
}

function gitFailure(scope: Scope, error: unknown): ReconcileError {
  if (!(error instanceof GitError))
    return failure(
      scope,
      'FetchFailed',
      SourceReasons.GitOperationFailed,
      `failed to checkout and determine revision: ${describeError(error)}`,
      { cause: error },
    );
  const message = `failed to checkout and determine revision: ${error.message}`;
  if (error.code === 'InvalidUrl')
    return failure(scope, 'FetchFailed', SourceReasons.URLInvalid, message, { stall: true, cause: error });
  if (error instanceof GitAuthError || error.code === 'InvalidOptions')
    return failure(scope, 'FetchFailed', SourceReasons.AuthenticationFailed, message, { cause: error });
  return failure(scope, 'FetchFailed', SourceReasons.GitOperationFailed, message, { cause: error });
}

async function resolveIncludes(scope: Scope): Promise<Artifact[]> {
  const includes = scope.object.spec.include ?? [];
  try {
    const artifacts = await includedArtifacts(scope.kube, scope.object.metadata?.namespace ?? '', includes);
    scope.conditions.delete(SourceConditions.IncludeUnavailable);
    return artifacts;
  } catch (error) {
    if (!(error instanceof IncludeUnavailableError)) throw error;
    scope.conditions.markTrue(SourceConditions.IncludeUnavailable, error.reason, error.message);
    throw new WaitingError(error.reason, error.message);
  }
}

async function verify(scope: Scope, result: CheckoutChanged): Promise<void> {
  const { spec } = scope.object;
  if (!spec.verify) {
    scope.conditions.delete(SourceConditions.SourceVerified);
    delete scope.status.sourceVerificationMode;
    return;
  }
  const mode = normaliseMode(spec.verify.mode);
  try {
    const secret = await readSecretRef(
      scope.kube,
      scope.object.metadata?.namespace ?? '',
      spec.verify.secretRef,
    );
    const message = await verifyCheckout(result, mode, trustedKeys(secret ?? {}));
    scope.conditions.markTrue(SourceConditions.SourceVerified, SourceReasons.Succeeded, message);
    scope.status.sourceVerificationMode = mode;
  } catch (error) {
    const message = `signature verification of ${mode === 'HEAD' ? 'commit' : 'tag'} failed: ${describeError(error)}`;
    scope.conditions.markFalse(SourceConditions.SourceVerified, SourceReasons.VerificationError, message);
    throw new ReconcileError(SourceReasons.VerificationError, message, { cause: error });
  }
}

function recordObserved(scope: Scope, includes: Artifact[]): void {
  const { spec } = scope.object;
  const status = scope.status;
  if (spec.ignore === undefined) delete status.observedIgnore;
  else status.observedIgnore = spec.ignore;
  if (spec.recurseSubmodules) status.observedRecurseSubmodules = true;
  else delete status.observedRecurseSubmodules;
  if (spec.include?.length) status.observedInclude = spec.include;
  else delete status.observedInclude;
  const sparse = sparseOf(spec);
  if (sparse) status.observedSparseCheckout = sparse;
  else delete status.observedSparseCheckout;
  if (includes.length) status.includedArtifacts = includes;
  else delete status.includedArtifacts;
}

async function build(
  scope: Scope,
  services: SourceServices,
  dir: string,
  result: CheckoutChanged,
  includes: Artifact[],
): Promise<void> {
  const { spec } = scope.object;
  await failingAs(
    scope,
    { type: 'IncludeUnavailable', reason: 'CopyFailed', message: 'failed to copy include' },
    () => applyIncludes(services.storage, dir, spec.include ?? [], includes),
  );
  const matcher = await failingAs(
    scope,
    {
      type: 'StorageOperationFailed',
      reason: SourceReasons.SourceIgnoreError,
      message: 'failed to load source ignore patterns from repository',
    },
    () => treeIgnoreMatcher(dir, spec.ignore),
  );
  const firstLine = result.commit.message.split('\n')[0] ?? '';
  await storeArtifact(scope, services, {
    kind: 'GitRepository',
    file: `${result.commit.sha}.tar.gz`,
    body: packDirectory(dir, { filter: (path, entry) => !matcher.ignores(path, entry.type === 'directory') }),
    revision: result.revision,
    eventMessage: `stored artifact for commit '${firstLine}'`,
  });
}

async function reconcileGit(scope: Scope, services: SourceServices): Promise<void> {
  const { spec } = scope.object;
  if (!/^(https?|ssh):\/\//.test(spec.url))
    throw failure(
      scope,
      'FetchFailed',
      SourceReasons.URLInvalid,
      `invalid URL '${spec.url}': only http, https and ssh are supported`,
      { stall: true },
    );
  rejectUnsupportedProvider(scope, spec.provider);
  const credentials = await access(scope);
  const includes = await resolveIncludes(scope);
  const current = scope.status.artifact as Artifact | undefined;
  const unchangedConfig = current !== undefined && contentConfigUnchanged(scope, includes);
  await withTempDir('git', async (dir) => {
    const options: CheckoutOptions = {
      url: spec.url,
      dir: join(dir, 'repo'),
      ref: spec.ref ?? {},
      ...credentials,
      recurseSubmodules: spec.recurseSubmodules === true,
      sparseCheckout: sparseOf(spec),
      timeoutMs: timeoutOf(scope.object),
      ...(unchangedConfig && current ? { lastRevision: current.revision } : {}),
    };
    let result;
    try {
      result = await checkout(options);
    } catch (error) {
      throw gitFailure(scope, error);
    }
    if (!result.changed) {
      markStored(scope, result.revision);
      return;
    }
    await markOutdated(scope, result.revision);
    await verify(scope, result);
    await build(scope, services, options.dir, result, includes);
    recordObserved(scope, includes);
  });
}

export function gitRepositoryReconciler(services: SourceServices): ReconcilerDefinition<GitRepositoryObject> {
  return sourceReconciler('GitRepository', services, {
    name: 'reconcile git',
    run: (scope) => reconcileGit(scope, services),
  });
}
