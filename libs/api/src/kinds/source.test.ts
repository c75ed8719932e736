import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kind-spec.js';
import { validateObject } from '../validate.js';
import type { GitRepository, HelmChartSpec, SourceArtifact } from './source.js';

const G = 'source.toolkit.fluxcd.io';
const meta = { name: 'podinfo', namespace: 'flux-system' };

function check(obj: KubeObject) {
  const { errors, unknownFields, object } = validateObject(obj);
  return { errors: errors.map((e) => e.message), unknownFields, object };
}

const git = (version: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: `${G}/${version}`,
  kind: 'GitRepository',
  metadata: meta,
  spec: { url: 'https://github.com/stefanprodan/podinfo', interval: '1m', ...spec },
});

describe('GitRepository', () => {
  it('v1 accepts every field of source.md §2 and defaults timeout, verify.mode and status', () => {
    const result = check(
      git('v1', {
        secretRef: { name: 'auth' },
        provider: 'github',
        ref: { branch: 'main', tag: 'v1', semver: '>=1.0.0', name: 'refs/heads/main', commit: 'abc' },
        verify: { secretRef: { name: 'keys' } },
        proxySecretRef: { name: 'proxy' },
        ignore: '/*\n!/deploy',
        suspend: false,
        recurseSubmodules: true,
        include: [{ repository: { name: 'other' }, fromPath: 'a', toPath: 'b' }],
        sparseCheckout: ['deploy/'],
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.unknownFields).toEqual([]);
    expect(result.object.spec).toMatchObject({ timeout: '60s', verify: { mode: 'HEAD' } });
    expect(result.object.status).toEqual({ observedGeneration: -1 });
  });

  it('v1 requires url and interval and checks url scheme, durations and enums', () => {
    expect(check({ apiVersion: `${G}/v1`, kind: 'GitRepository', metadata: meta, spec: {} }).errors).toEqual([
      'spec.interval: Required value',
      'spec.url: Required value',
    ]);
    expect(
      check(
        git('v1', {
          url: 'git@github.com:org/repo.git',
          timeout: '1h',
          provider: 'gitlab',
          verify: { mode: 'all' },
        }),
      ).errors,
    ).toEqual([
      `spec.provider: Unsupported value: "gitlab": supported values: "generic", "aws", "azure", "github"`,
      `spec.timeout: Invalid value: "1h": spec.timeout in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$'`,
      `spec.url: Invalid value: "git@github.com:org/repo.git": spec.url in body should match '^(http|https|ssh)://.*$'`,
      'spec.verify.secretRef: Required value',
      'spec.verify.mode: Unsupported value: "all": supported values: "head", "HEAD", "Tag", "TagAndHEAD"',
    ]);
  });

  it('v1beta2 keeps gitImplementation/accessFrom and only verify mode head; v1 does not know them', () => {
    const old = git('v1beta2', {
      gitImplementation: 'libgit2',
      accessFrom: { namespaceSelectors: [{ matchLabels: { team: 'a' } }] },
      verify: { mode: 'head', secretRef: { name: 'keys' } },
    });
    expect(check(old)).toMatchObject({ errors: [], unknownFields: [] });
    expect(check({ ...old, apiVersion: `${G}/v1` }).unknownFields).toEqual([
      'spec.gitImplementation',
      'spec.accessFrom',
    ]);
    expect(check(git('v1beta2', { verify: { mode: 'Tag', secretRef: { name: 'k' } } })).errors).toEqual([
      'spec.verify.mode: Unsupported value: "Tag": supported values: "head"',
    ]);
    expect(check(git('v1beta2', { sparseCheckout: ['a'] })).unknownFields).toEqual(['spec.sparseCheckout']);
  });

  it('v1beta1 accepts the old artifact with checksum and durations without pattern checks', () => {
    const old = {
      ...git('v1beta1', { interval: '1 minute', gitImplementation: 'go-git' }),
      status: {
        url: 'http://source-controller/gitrepository/flux-system/podinfo/latest.tar.gz',
        artifact: {
          path: 'p',
          url: 'u',
          revision: 'main/abc',
          checksum: 'abc',
          lastUpdateTime: '2022-01-01T00:00:00Z',
        },
      },
    };
    expect(check(old)).toMatchObject({ errors: [], unknownFields: [] });
  });

  it('v1 status has no url and a digest-style artifact', () => {
    const obj = {
      ...git('v1', {}),
      status: {
        observedGeneration: 2,
        url: 'http://old',
        artifact: {
          path: 'p',
          url: 'u',
          revision: 'main@sha1:abc',
          digest: 'sha256:abc',
          lastUpdateTime: '2024-01-01T00:00:00Z',
        },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Succeeded',
            message: 'ok',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    };
    expect(check(obj)).toMatchObject({ errors: [], unknownFields: ['status.url'] });
    const bad = {
      ...obj,
      status: { ...obj.status, url: undefined, artifact: { ...obj.status.artifact, digest: 'abc' } },
    };
    delete (bad.status as Record<string, unknown>).url;
    expect(check(bad).errors).toEqual([
      `status.artifact.digest: Invalid value: "abc": status.artifact.digest in body should match '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$'`,
    ]);
  });
});

describe('OCIRepository', () => {
  const oci = (version: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: `${G}/${version}`,
    kind: 'OCIRepository',
    metadata: meta,
    spec: { url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', interval: '10m', ...spec },
  });

  it.each(['v1', 'v1beta2'])(
    '%s accepts every field of source.md §3 and defaults provider, timeout',
    (version) => {
      const result = check(
        oci(version, {
          ref: { tag: 'latest', semver: '6.x', semverFilter: '.*', digest: 'sha256:abc' },
          layerSelector: {
            mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
            operation: 'copy',
          },
          secretRef: { name: 'regcred' },
          serviceAccountName: 'sa',
          certSecretRef: { name: 'tls' },
          proxySecretRef: { name: 'proxy' },
          verify: {
            provider: 'cosign',
            secretRef: { name: 'cosign' },
            matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '.*' }],
            trustedRootSecretRef: { name: 'root' },
          },
          ignore: '*.md',
          insecure: true,
          suspend: false,
        }),
      );
      expect(result).toMatchObject({ errors: [], unknownFields: [] });
      expect(result.object.spec).toMatchObject({ provider: 'generic', timeout: '60s' });
    },
  );

  it('requires an oci:// URL and a known verify provider and layer operation', () => {
    expect(
      check(
        oci('v1', {
          url: 'https://ghcr.io/x',
          verify: { provider: 'sigstore' },
          layerSelector: { operation: 'untar' },
        }),
      ).errors,
    ).toEqual([
      'spec.layerSelector.operation: Unsupported value: "untar": supported values: "extract", "copy"',
      `spec.url: Invalid value: "https://ghcr.io/x": spec.url in body should match '^oci://.*$'`,
      'spec.verify.provider: Unsupported value: "sigstore": supported values: "cosign", "notation"',
    ]);
  });
});

describe('HelmRepository', () => {
  const repo = (version: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: `${G}/${version}`,
    kind: 'HelmRepository',
    metadata: meta,
    spec: { url: 'https://stefanprodan.github.io/podinfo', ...spec },
  });

  it('v1 has an optional interval, type default|oci, provider defaulting to generic', () => {
    const result = check(
      repo('v1', { type: 'oci', url: 'oci://ghcr.io/charts', insecure: true, passCredentials: true }),
    );
    expect(result).toMatchObject({ errors: [], unknownFields: [] });
    expect(result.object.spec).toMatchObject({ provider: 'generic' });
    expect(check(repo('v1', { type: 'git', url: 'git://x' })).errors).toEqual([
      'spec.type: Unsupported value: "git": supported values: "default", "oci"',
      `spec.url: Invalid value: "git://x": spec.url in body should match '^(http|https|oci)://.*$'`,
    ]);
  });

  it('v1beta1 requires interval and defaults timeout', () => {
    expect(check(repo('v1beta1', {})).errors).toEqual(['spec.interval: Required value']);
    expect(check(repo('v1beta1', { interval: '5m' })).object.spec).toMatchObject({ timeout: '60s' });
  });
});

describe('HelmChart', () => {
  const chart = (version: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: `${G}/${version}`,
    kind: 'HelmChart',
    metadata: meta,
    spec: {
      chart: 'podinfo',
      interval: '5m',
      sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
      ...spec,
    },
  });

  it('v1 defaults version and reconcileStrategy and checks the source kind', () => {
    const result = check(
      chart('v1', {
        valuesFiles: ['values.yaml'],
        ignoreMissingValuesFiles: true,
        verify: { provider: 'notation' },
      }),
    );
    expect(result).toMatchObject({ errors: [], unknownFields: [] });
    expect(result.object.spec).toMatchObject({ version: '*', reconcileStrategy: 'ChartVersion' });
    expect(check(chart('v1', { sourceRef: { kind: 'OCIRepository', name: 'x' } })).errors).toEqual([
      'spec.sourceRef.kind: Unsupported value: "OCIRepository": supported values: "HelmRepository", "GitRepository", "Bucket"',
    ]);
  });

  it('v1beta2 and v1beta1 accept the deprecated valuesFile', () => {
    expect(
      check(chart('v1beta2', { valuesFile: 'prod.yaml', accessFrom: { namespaceSelectors: [] } })),
    ).toMatchObject({
      errors: [],
      unknownFields: [],
    });
    expect(check(chart('v1beta1', { valuesFile: 'prod.yaml' }))).toMatchObject({
      errors: [],
      unknownFields: [],
    });
    expect(check(chart('v1', { valuesFile: 'prod.yaml' })).unknownFields).toEqual(['spec.valuesFile']);
  });
});

describe('Bucket', () => {
  const bucket = (version: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: `${G}/${version}`,
    kind: 'Bucket',
    metadata: meta,
    spec: { bucketName: 'podinfo', endpoint: 'minio.minio.svc:9000', interval: '5m', ...spec },
  });

  it('v1 accepts sts, prefix and serviceAccountName; v1beta2 lacks serviceAccountName', () => {
    const spec = {
      provider: 'aws',
      region: 'eu-west-1',
      prefix: 'apps/',
      sts: { provider: 'aws', endpoint: 'https://sts.amazonaws.com' },
      serviceAccountName: 'reader',
    };
    expect(check(bucket('v1', spec))).toMatchObject({ errors: [], unknownFields: [] });
    expect(check(bucket('v1beta2', spec)).unknownFields).toEqual(['spec.serviceAccountName']);
  });

  it('requires bucketName, endpoint and interval, and an http(s) STS endpoint', () => {
    expect(check({ apiVersion: `${G}/v1`, kind: 'Bucket', metadata: meta, spec: {} }).errors).toEqual([
      'spec.bucketName: Required value',
      'spec.endpoint: Required value',
      'spec.interval: Required value',
    ]);
    expect(check(bucket('v1', { sts: { provider: 'ldap', endpoint: 'ldap://x' } })).errors).toEqual([
      `spec.sts.endpoint: Invalid value: "ldap://x": spec.sts.endpoint in body should match '^(http|https)://.*$'`,
    ]);
  });
});

describe('ExternalArtifact', () => {
  it('has a sourceRef spec and an artifact status, without a status default', () => {
    const result = check({
      apiVersion: `${G}/v1`,
      kind: 'ExternalArtifact',
      metadata: meta,
      spec: {
        sourceRef: {
          apiVersion: 'source.extensions.fluxcd.io/v1beta1',
          kind: 'ArtifactGenerator',
          name: 'gen',
        },
      },
    });
    expect(result).toMatchObject({ errors: [], unknownFields: [] });
    expect(result.object.status).toBeUndefined();
  });
});

describe('storage-version types', () => {
  it('type the fields controllers read', () => {
    const repo: GitRepository = {
      apiVersion: `${G}/v1`,
      kind: 'GitRepository',
      metadata: { name: 'podinfo', generation: 2 },
      spec: { url: 'https://example.com/repo', interval: '1m', ref: { branch: 'main' } },
      status: {
        observedGeneration: 1,
        artifact: { path: 'p', url: 'u', revision: 'main@sha1:abc', lastUpdateTime: 't' },
      },
    };
    const artifact: SourceArtifact | undefined = repo.status?.artifact;
    const chart: HelmChartSpec = {
      chart: 'c',
      interval: '1m',
      sourceRef: { kind: 'GitRepository', name: 'r' },
    };
    expect([repo.spec?.ref?.branch, artifact?.revision, chart.sourceRef.kind]).toEqual([
      'main',
      'main@sha1:abc',
      'GitRepository',
    ]);
  });
});
