// Bucket (spec source.md §6), providers generic and aws against any S3-compatible endpoint:
// index the objects under the prefix (minus ignored keys), and when the index revision changed,
// download them and archive the directory as `<hex>.tar.gz` with no further filtering.
import { packDirectory } from '@flotilla/artifacts';
import type { ReconcilerDefinition, ReconcileScope } from '@flotilla/runtime';
import { describeError, failure, SourceReasons } from '../conditions.js';
import {
  credentialsFailure,
  failingAs,
  markOutdated,
  markStored,
  sourceReconciler,
  type SourceServices,
  storeArtifact,
} from '../common-steps.js';
import { readSecretRef, timeoutSignal, type SourceObject } from '../source-object.js';
import { tlsFromSecret } from '../http-get.js';
import type { Artifact } from '../storage.js';
import { withTempDir } from '../temp-dir.js';
import { BucketIndex } from './bucket-index.js';
import {
  checkBucket,
  downloadAll,
  listInto,
  readSourceIgnore,
  s3Client,
  UnsafeObjectKeyError,
  type BucketAccess,
} from './s3-fetch.js';

export interface BucketSpec {
  provider?: 'generic' | 'aws' | 'gcp' | 'azure';
  bucketName: string;
  endpoint: string;
  region?: string;
  prefix?: string;
  insecure?: boolean;
  secretRef?: { name: string };
  certSecretRef?: { name: string };
  sts?: { provider: 'aws' | 'ldap'; endpoint: string };
  ignore?: string;
}

export type BucketObject = SourceObject<BucketSpec>;

function validateProvider(scope: ReconcileScope<BucketObject>): void {
  const { provider = 'generic', sts } = scope.object.spec;
  if (provider !== 'generic' && provider !== 'aws')
    throw failure(
      scope,
      'FetchFailed',
      SourceReasons.InvalidProviderConfiguration,
      `provider '${provider}' is not supported by this controller (generic and aws are)`,
      { stall: true },
    );
  if (sts) {
    const expected = provider === 'aws' ? 'aws' : 'ldap';
    const message =
      sts.provider !== expected
        ? `STS provider '${sts.provider}' does not match Bucket provider '${provider}' (expected '${expected}')`
        : `STS provider '${sts.provider}' is not supported by this controller`;
    throw failure(scope, 'FetchFailed', SourceReasons.InvalidSTSConfiguration, message, { stall: true });
  }
}

async function bucketAccess(scope: ReconcileScope<BucketObject>): Promise<BucketAccess> {
  const { spec } = scope.object;
  const namespace = scope.object.metadata?.namespace ?? '';
  const { secret, tls } = await failingAs(scope, credentialsFailure('failed to get secret'), async () => ({
    secret: await readSecretRef(scope.kube, namespace, spec.secretRef),
    tls: tlsFromSecret(await readSecretRef(scope.kube, namespace, spec.certSecretRef), false),
  }));
  const access: BucketAccess = {
    endpoint: spec.endpoint,
    bucketName: spec.bucketName,
    region: spec.region,
    insecure: spec.insecure,
    ...(tls ? { tls } : {}),
  };
  if (secret) {
    if (!secret.accesskey || !secret.secretkey)
      throw failure(
        scope,
        'FetchFailed',
        SourceReasons.AuthenticationFailed,
        `invalid '${spec.secretRef?.name}' secret data: required fields 'accesskey' and 'secretkey'`,
      );
    access.credentials = { accessKeyId: secret.accesskey, secretAccessKey: secret.secretkey };
  }
  return access;
}

async function reconcileBucket(scope: ReconcileScope<BucketObject>, services: SourceServices): Promise<void> {
  validateProvider(scope);
  const { spec } = scope.object;
  const access = await bucketAccess(scope);
  const client = s3Client(access);
  const signal = timeoutSignal(scope.object, scope.signal);
  try {
    const fail = (error: unknown): never => {
      throw failure(scope, 'FetchFailed', SourceReasons.BucketOperationFailed, describeError(error), {
        cause: error,
      });
    };
    let index!: BucketIndex;
    try {
      await checkBucket(client, spec.bucketName, signal);
      const sourceIgnore = await readSourceIgnore(client, spec.bucketName, signal);
      index = new BucketIndex(BucketIndex.patterns(sourceIgnore, spec.ignore));
      await listInto(client, { bucket: spec.bucketName, prefix: spec.prefix, signal }, index);
    } catch (error) {
      fail(error);
    }
    const revision = index.revision();
    const current = scope.status.artifact as Artifact | undefined;
    if (current?.revision === revision && scope.status.observedIgnore === spec.ignore) {
      markStored(scope, revision);
      return;
    }
    await markOutdated(scope, revision);
    await withTempDir('bucket', async (dir) => {
      try {
        await downloadAll(client, { bucket: spec.bucketName, keys: index.keys(), dir, signal });
      } catch (error) {
        if (error instanceof UnsafeObjectKeyError)
          throw failure(scope, 'FetchFailed', SourceReasons.InvalidPath, error.message, { cause: error });
        fail(error);
      }
      await storeArtifact(scope, services, {
        kind: 'Bucket',
        file: `${revision.slice('sha256:'.length)}.tar.gz`,
        body: packDirectory(dir),
        revision,
        eventMessage: `stored artifact with ${index.size} fetched files from '${spec.bucketName}' bucket`,
      });
    });
    if (spec.ignore === undefined) delete scope.status.observedIgnore;
    else scope.status.observedIgnore = spec.ignore;
  } finally {
    client.destroy();
  }
}

export function bucketReconciler(services: SourceServices): ReconcilerDefinition<BucketObject> {
  return sourceReconciler('Bucket', services, {
    name: 'reconcile bucket',
    run: (scope) => reconcileBucket(scope, services),
  });
}
