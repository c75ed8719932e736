// HelmChart from a HelmRepository of type oci (spec source.md §5): the chart lives at
// `<url>/<chart>`; an exact version is pulled by tag (`+` written `_`), a range is resolved over
// the tags. Verification (cosign, notation) is not implemented: SourceVerified=False 'unsupported'.
import {
  childReference,
  chartVersionToTag,
  clientFor,
  OciUnauthorizedError,
  parseOciUrl,
  pullHelmChart,
  resolveChartVersion,
  withTag,
  type OciReference,
} from '@flotilla/oci';
import { StallingError, type KubeClient, type ReconcileScope } from '@flotilla/runtime';
import semver from 'semver';
import { describeError, failure, SourceConditions, SourceReasons } from '../conditions.js';
import { credentialsFailure, failingAs } from '../common-steps.js';
import { ociClientOptions } from '../oci/oci-access.js';
import { SOURCE_RESOURCES, timeoutOf, type SourceObject } from '../source-object.js';
import { ChartBuildError } from './chart-dir.js';
import type { HelmRepositoryObject } from './helm-repository.js';

export interface OciChartSpec {
  chart: string;
  version?: string;
  verify?: { provider?: string };
}

export interface PulledOciChart {
  archive: Buffer;
  revision: string;
}

type Scope = ReconcileScope<SourceObject<OciChartSpec>>;

async function resolveTag(
  scope: Scope,
  client: ReturnType<typeof clientFor>,
  chartRef: OciReference,
): Promise<string> {
  const wanted = scope.object.spec.version?.trim() || '*';
  if (semver.valid(wanted)) return chartVersionToTag(wanted);
  const found = await resolveChartVersion(client, chartRef, wanted.replace(/,/g, ' '));
  if (!found)
    throw new ChartBuildError(
      'reference',
      `invalid chart reference: no '${scope.object.spec.chart}' chart with version matching '${wanted}' found`,
    );
  return found.tag;
}

/** Pulls the chart archive of an OCI HelmRepository. */
export async function pullOciChart(
  scope: Scope,
  repo: HelmRepositoryObject,
  maxBytes: number,
): Promise<PulledOciChart> {
  const { spec } = scope.object;
  if (spec.verify) {
    const message = `signature verification with ${spec.verify.provider ?? 'cosign'} is not supported yet by this controller`;
    scope.conditions.markFalse(SourceConditions.SourceVerified, SourceReasons.Unsupported, message);
    throw new StallingError(SourceReasons.VerificationError, message);
  }
  const chartRef = await failingAs(
    scope,
    {
      type: 'FetchFailed',
      reason: SourceReasons.URLInvalid,
      message: 'invalid OCI chart reference',
      stall: true,
    },
    () => childReference(parseOciUrl(repo.spec.url), spec.chart),
  );
  const options = await failingAs(scope, credentialsFailure('failed to get credentials'), () =>
    ociClientOptions(scope.kube, repo.metadata?.namespace ?? '', repo.spec, chartRef, {
      allowBasic: true,
      timeoutMs: timeoutOf(repo),
    }),
  );
  const client = clientFor(chartRef, options);
  try {
    const tag = await resolveTag(scope, client, chartRef);
    const pulled = await pullHelmChart(client, withTag(chartRef, tag), { maxBytes });
    return { archive: pulled.chart, revision: pulled.revision };
  } catch (error) {
    if (error instanceof ChartBuildError) throw error;
    if (error instanceof OciUnauthorizedError)
      throw failure(
        scope,
        'FetchFailed',
        SourceReasons.AuthenticationFailed,
        `failed to pull chart: ${describeError(error)}`,
        { cause: error },
      );
    throw new ChartBuildError(
      'pull',
      `failed to pull chart '${spec.chart}' from '${repo.spec.url}': ${describeError(error)}`,
      { cause: error },
    );
  } finally {
    client.close();
  }
}

/**
 * A chart dependency from an `oci://` repository: credentials and TLS from a HelmRepository of type
 * oci with the same URL in the namespace, else anonymous over HTTPS.
 */
export async function pullOciDependency(
  context: { kube: KubeClient; namespace: string; maxChartBytes: number },
  url: string,
  name: string,
  range: string,
): Promise<{ archive: Buffer; version: string }> {
  const list = await context.kube.list<HelmRepositoryObject>(SOURCE_RESOURCES.HelmRepository, {
    namespace: context.namespace,
  });
  const wanted = url.replace(/\/+$/, '');
  const repo = list.items.find(
    (item) => item.spec.type === 'oci' && item.spec.url.replace(/\/+$/, '') === wanted,
  );
  const chartRef = childReference(parseOciUrl(url), name);
  const options = repo
    ? await ociClientOptions(context.kube, context.namespace, repo.spec, chartRef, {
        allowBasic: true,
        timeoutMs: timeoutOf(repo),
      })
    : {};
  const client = clientFor(chartRef, options);
  try {
    const tag = semver.valid(range)
      ? chartVersionToTag(range)
      : (await resolveChartVersion(client, chartRef, range.replace(/,/g, ' ')))?.tag;
    if (!tag) throw new Error(`no '${name}' chart with version matching '${range}' found`);
    const pulled = await pullHelmChart(client, withTag(chartRef, tag), { maxBytes: context.maxChartBytes });
    return { archive: pulled.chart, version: pulled.metadata.version };
  } finally {
    client.close();
  }
}
