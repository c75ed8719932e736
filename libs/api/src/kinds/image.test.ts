import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { createKindRegistry } from '../kind-registry.js';
import { fromStorage, toStorage } from '../normalise.js';
import { errorPaths, schemaOf, specField, variant, versionOf } from '../test-support/kind-schemas.js';
import {
  formatImageReference,
  imageKinds,
  imagePolicyKind,
  imageRepositoryKind,
  imageUpdateAutomationKind,
  parseImageReference,
} from './image.js';

const registry = createKindRegistry(imageKinds);

const ready = {
  type: 'Ready',
  status: 'True',
  lastTransitionTime: '2024-05-01T10:00:00Z',
  reason: 'Succeeded',
  message: 'successful scan: found 12 tags with checksum 1234',
};

describe('image kinds', () => {
  it('serve v1 (storage), v1beta2 and v1beta1 in the fluxcd-images category', () => {
    for (const kind of imageKinds) {
      expect(kind.group).toBe('image.toolkit.fluxcd.io');
      expect(kind.versions.map((v) => v.name)).toEqual(['v1', 'v1beta2', 'v1beta1']);
      expect(kind.categories).toEqual(['all', 'fluxcd', 'fluxcd-images']);
      expect(versionOf(kind, 'v1').deprecated).toBeUndefined();
      expect(versionOf(kind, 'v1beta2').deprecationWarning).toBe(
        `v1beta2 ${kind.kind} is deprecated, upgrade to v1`,
      );
      expect(versionOf(kind, 'v1beta1').deprecated).toBe(true);
    }
  });

  it('use the short names and printer columns of image.md §0', () => {
    expect(imageRepositoryKind.shortNames).toEqual(['imgrepo', 'imagerepo']);
    expect(imagePolicyKind.shortNames).toEqual(['imgpol', 'imagepol']);
    expect(imageUpdateAutomationKind.shortNames).toEqual(['iua', 'imgupd', 'imgauto']);
    expect(versionOf(imageRepositoryKind, 'v1').printerColumns).toEqual([
      { name: 'Image', type: 'string', jsonPath: '.spec.image' },
      { name: 'Tags', type: 'string', jsonPath: '.status.lastScanResult.tagCount' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
      { name: 'Last scan', type: 'string', jsonPath: '.status.lastScanResult.scanTime', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    expect(versionOf(imagePolicyKind, 'v1').printerColumns.map((c) => `${c.name}=${c.jsonPath}`)).toEqual([
      'Image=.status.latestRef.name',
      'Tag=.status.latestRef.tag',
      'Ready=.status.conditions[?(@.type=="Ready")].status',
      'Status=.status.conditions[?(@.type=="Ready")].message',
      'Age=.metadata.creationTimestamp',
    ]);
    // A v1beta1 ImagePolicy only carries the string form of the selection.
    expect(versionOf(imagePolicyKind, 'v1beta1').printerColumns[0]).toEqual({
      name: 'LatestImage',
      type: 'string',
      jsonPath: '.status.latestImage',
    });
    const lastRun = versionOf(imageUpdateAutomationKind, 'v1').printerColumns.find(
      (c) => c.name === 'Last run',
    );
    expect(lastRun).toEqual({
      name: 'Last run',
      type: 'string',
      jsonPath: '.status.lastAutomationRunTime',
      priority: 1,
    });
  });
});

// ---------------------------------------------------------------------------------------------

const imageRepository = {
  apiVersion: 'image.toolkit.fluxcd.io/v1',
  kind: 'ImageRepository',
  metadata: { name: 'podinfo', namespace: 'flux-system' },
  spec: {
    image: 'ghcr.io/stefanprodan/podinfo',
    interval: '5m',
    timeout: '1m30s',
    secretRef: { name: 'regcred' },
    serviceAccountName: 'puller',
    certSecretRef: { name: 'ca' },
    proxySecretRef: { name: 'proxy' },
    accessFrom: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }] },
    exclusionList: ['^.*\\.sig$', '^sha-'],
    provider: 'generic',
    insecure: false,
    suspend: false,
  },
  status: {
    observedGeneration: 1,
    conditions: [ready],
    canonicalImageName: 'ghcr.io/stefanprodan/podinfo',
    lastScanResult: {
      tagCount: 12,
      scanTime: '2024-05-01T10:00:00Z',
      revision: '1234',
      latestTags: ['latest', '6.5.4'],
    },
    observedExclusionList: ['^.*\\.sig$', '^sha-'],
    lastHandledReconcileAt: '2024-05-01T09:59:00Z',
  },
};

describe('ImageRepository', () => {
  const v1 = schemaOf(imageRepositoryKind, 'v1');

  it('accepts v1, the identical v1beta2 and a v1beta1 object', () => {
    expect(errorPaths(v1, imageRepository)).toEqual([]);
    expect(errorPaths(schemaOf(imageRepositoryKind, 'v1beta2'), imageRepository)).toEqual([]);
    const v1beta1 = {
      spec: { image: 'alpine', interval: '1h', exclusionList: [] },
      status: { lastScanResult: { tagCount: 3, scanTime: '2024-05-01T10:00:00Z' }, canonicalImageName: 'x' },
    };
    expect(errorPaths(schemaOf(imageRepositoryKind, 'v1beta1'), v1beta1)).toEqual([]);
  });

  it('defaults the exclusion list to signatures in v1 only', () => {
    const exclusionDefault = (name: string) =>
      specField(schemaOf(imageRepositoryKind, name), 'exclusionList')?.default;
    expect(exclusionDefault('v1')).toEqual(['^.*\\.sig$']);
    expect(exclusionDefault('v1beta1')).toBeUndefined();
  });

  it.each([
    [
      'missing image',
      (o: typeof imageRepository) => delete (o.spec as { image?: string }).image,
      '/spec/image',
    ],
    [
      'missing interval',
      (o: typeof imageRepository) => delete (o.spec as { interval?: string }).interval,
      '/spec/interval',
    ],
    ['interval in days', (o: typeof imageRepository) => (o.spec.interval = '1d'), '/spec/interval'],
    ['timeout in hours', (o: typeof imageRepository) => (o.spec.timeout = '1h'), '/spec/timeout'],
    ['unknown provider', (o: typeof imageRepository) => (o.spec.provider = 'ibm'), '/spec/provider'],
    [
      '26 exclusions',
      (o: typeof imageRepository) => (o.spec.exclusionList = Array(26).fill('x')),
      '/spec/exclusionList',
    ],
    [
      'long service account',
      (o: typeof imageRepository) => (o.spec.serviceAccountName = 's'.repeat(254)),
      '/spec/serviceAccountName',
    ],
    [
      'accessFrom without selectors',
      (o: typeof imageRepository) => ((o.spec as Record<string, unknown>).accessFrom = {}),
      '/spec/accessFrom/namespaceSelectors',
    ],
    [
      'scan without tag count',
      (o: typeof imageRepository) => delete (o.status.lastScanResult as { tagCount?: number }).tagCount,
      '/status/lastScanResult/tagCount',
    ],
    [
      'fractional tag count',
      (o: typeof imageRepository) => (o.status.lastScanResult.tagCount = 1.5),
      '/status/lastScanResult/tagCount',
    ],
    [
      'bad scan time',
      (o: typeof imageRepository) => (o.status.lastScanResult.scanTime = 'yesterday'),
      '/status/lastScanResult/scanTime',
    ],
  ])('v1 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1, variant(imageRepository, mutate))).toContain(path);
  });

  it('v1beta1 required no spec field but still checks patterns', () => {
    const v1beta1 = schemaOf(imageRepositoryKind, 'v1beta1');
    expect(Value.Check(v1beta1, { spec: {} })).toBe(true);
    expect(errorPaths(v1beta1, { spec: { timeout: '2h' } })).toContain('/spec/timeout');
  });

  it('needs no version mapping: old versions are subsets of v1', () => {
    for (const v of imageRepositoryKind.versions) expect(v.toStorage ?? v.fromStorage).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

const imagePolicy = {
  apiVersion: 'image.toolkit.fluxcd.io/v1',
  kind: 'ImagePolicy',
  metadata: { name: 'podinfo', namespace: 'flux-system' },
  spec: {
    imageRepositoryRef: { name: 'podinfo', namespace: 'images' },
    policy: { semver: { range: '>=6.0.0 <7.0.0' } },
    filterTags: { pattern: '^v(?P<version>.*)$', extract: '$version' },
    digestReflectionPolicy: 'Always',
    interval: '10m',
    suspend: false,
  },
  status: {
    observedGeneration: 3,
    conditions: [
      { ...ready, message: 'Latest image tag for ghcr.io/stefanprodan/podinfo resolved to 6.5.4' },
    ],
    latestRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.4', digest: 'sha256:abcd' },
    observedPreviousRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.3' },
  },
};

const imagePolicyV1beta1 = {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1',
  kind: 'ImagePolicy',
  metadata: { name: 'app', namespace: 'flux-system' },
  spec: {
    imageRepositoryRef: { name: 'app' },
    policy: { alphabetical: { order: 'desc' } },
  },
  status: {
    observedGeneration: 1,
    latestImage: 'localhost:5000/org/app:2024-05-01',
    observedPreviousImage: 'localhost:5000/org/app:2024-04-30',
  },
};

describe('ImagePolicy', () => {
  const v1 = schemaOf(imagePolicyKind, 'v1');

  it('accepts each policy kind and the versions’ status shapes', () => {
    expect(errorPaths(v1, imagePolicy)).toEqual([]);
    const numerical = variant(
      imagePolicy,
      (o) => ((o.spec as Record<string, unknown>).policy = { numerical: { order: 'asc' } }),
    );
    expect(errorPaths(v1, numerical)).toEqual([]);
    expect(errorPaths(schemaOf(imagePolicyKind, 'v1beta1'), imagePolicyV1beta1)).toEqual([]);
    const v1beta2 = {
      ...imagePolicy,
      status: { ...imagePolicy.status, latestImage: 'ghcr.io/stefanprodan/podinfo:6.5.4' },
    };
    expect(errorPaths(schemaOf(imagePolicyKind, 'v1beta2'), v1beta2)).toEqual([]);
  });

  it.each([
    [
      'missing repository ref',
      (o: typeof imagePolicy) => delete (o.spec as { imageRepositoryRef?: unknown }).imageRepositoryRef,
      '/spec/imageRepositoryRef',
    ],
    [
      'missing policy',
      (o: typeof imagePolicy) => delete (o.spec as { policy?: unknown }).policy,
      '/spec/policy',
    ],
    [
      'semver without range',
      (o: typeof imagePolicy) => ((o.spec.policy as Record<string, unknown>).semver = {}),
      '/spec/policy/semver/range',
    ],
    [
      'order word',
      (o: typeof imagePolicy) =>
        ((o.spec as Record<string, unknown>).policy = { alphabetical: { order: 'ascending' } }),
      '/spec/policy/alphabetical/order',
    ],
    [
      'unknown digest policy',
      (o: typeof imagePolicy) => (o.spec.digestReflectionPolicy = 'Sometimes'),
      '/spec/digestReflectionPolicy',
    ],
    ['interval without unit', (o: typeof imagePolicy) => (o.spec.interval = '10'), '/spec/interval'],
    [
      'ref without tag',
      (o: typeof imagePolicy) => delete (o.status.latestRef as { tag?: string }).tag,
      '/status/latestRef/tag',
    ],
  ])('v1 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1, variant(imagePolicy, mutate))).toContain(path);
  });

  it('carries the interval/Always rules on v1 and v1beta2', () => {
    for (const name of ['v1', 'v1beta2']) {
      const spec = schemaOf(imagePolicyKind, name).properties.spec as Record<string, unknown>;
      expect(JSON.stringify(spec['x-kubernetes-validations'])).toContain('spec.interval must be set');
    }
    const v1beta1Spec = schemaOf(imagePolicyKind, 'v1beta1').properties.spec as Record<string, unknown>;
    expect(v1beta1Spec['x-kubernetes-validations']).toBeUndefined();
  });
});

describe('image references', () => {
  it.each([
    ['ghcr.io/org/app:1.2.3', { name: 'ghcr.io/org/app', tag: '1.2.3' }],
    ['localhost:5000/app:v1', { name: 'localhost:5000/app', tag: 'v1' }],
    ['alpine:3.19@sha256:ab12', { name: 'alpine', tag: '3.19', digest: 'sha256:ab12' }],
  ])('parses %s and renders it back', (text, ref) => {
    expect(parseImageReference(text)).toEqual(ref);
    expect(formatImageReference(ref)).toBe(text);
  });

  it('refuses references without a tag', () => {
    expect(parseImageReference('localhost:5000/app')).toBeUndefined();
    expect(parseImageReference('alpine@sha256:ab12')).toBeUndefined();
  });
});

describe('ImagePolicy v1beta* ⇄ v1 mapping', () => {
  it('turns the v1beta1 strings into refs in storage', () => {
    const stored = toStorage(structuredClone(imagePolicyV1beta1), registry) as typeof imagePolicy;
    expect(stored.apiVersion).toBe('image.toolkit.fluxcd.io/v1');
    expect(stored.status).toEqual({
      observedGeneration: 1,
      latestRef: { name: 'localhost:5000/org/app', tag: '2024-05-01' },
      observedPreviousRef: { name: 'localhost:5000/org/app', tag: '2024-04-30' },
    });
    expect(errorPaths(schemaOf(imagePolicyKind, 'v1'), stored)).toEqual([]);
  });

  it('round-trips a v1beta1 object through storage unchanged', () => {
    const stored = toStorage(structuredClone(imagePolicyV1beta1), registry);
    expect(fromStorage(stored, 'v1beta1', registry)).toEqual(imagePolicyV1beta1);
  });

  it('reads a v1 object as v1beta2 with both the refs and the deprecated strings', () => {
    const read = fromStorage(structuredClone(imagePolicy), 'v1beta2', registry) as typeof imagePolicy & {
      status: { latestImage?: string; observedPreviousImage?: string };
    };
    expect(read.status.latestRef).toEqual(imagePolicy.status.latestRef);
    expect(read.status.latestImage).toBe('ghcr.io/stefanprodan/podinfo:6.5.4@sha256:abcd');
    expect(read.status.observedPreviousImage).toBe('ghcr.io/stefanprodan/podinfo:6.5.3');
  });

  it('keeps an existing ref over a string that disagrees with it', () => {
    const both = {
      ...imagePolicy,
      apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
      status: { latestImage: 'old/app:1', latestRef: { name: 'new/app', tag: '2' } },
    };
    const converted = versionOf(imagePolicyKind, 'v1beta2').toStorage?.(both) as typeof imagePolicy;
    expect(converted.status.latestRef).toEqual({ name: 'new/app', tag: '2' });
  });
});

// ---------------------------------------------------------------------------------------------

const automation = {
  apiVersion: 'image.toolkit.fluxcd.io/v1',
  kind: 'ImageUpdateAutomation',
  metadata: { name: 'flux-system', namespace: 'flux-system' },
  spec: {
    interval: '30m',
    sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
    git: {
      checkout: { ref: { branch: 'main' } },
      commit: {
        author: { email: 'fluxcdbot@users.noreply.github.com', name: 'fluxcdbot' },
        messageTemplate:
          'Automated image update\n\n{{ range .Changed.Changes }}{{ .OldValue }} -> {{ .NewValue }}\n{{ end }}',
        messageTemplateValues: { env: 'prod' },
        signingKey: { secretRef: { name: 'ssh-signing' }, type: 'ssh' },
      },
      push: {
        branch: 'image-updates',
        refspec: 'refs/heads/auto:refs/for/main',
        options: { 'merge_request.create': '' },
      },
    },
    update: { path: './clusters/prod', strategy: 'Setters' },
    policySelector: {
      matchLabels: { team: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }],
    },
    suspend: false,
  },
  status: {
    observedGeneration: 4,
    conditions: [{ ...ready, message: 'repository up-to-date' }],
    lastAutomationRunTime: '2024-05-01T10:00:00Z',
    lastPushCommit: 'b8bba3e4e9f0d1c2a3b4c5d6e7f8a9b0c1d2e3f4',
    lastPushTime: '2024-05-01T10:00:05Z',
    observedPolicies: { podinfo: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.4' } },
    observedSourceRevision: 'main@sha1:b8bba3e4e9f0d1c2a3b4c5d6e7f8a9b0c1d2e3f4',
  },
};

const automationV1beta1 = {
  apiVersion: 'image.toolkit.fluxcd.io/v1beta1',
  kind: 'ImageUpdateAutomation',
  metadata: { name: 'apps', namespace: 'flux-system' },
  spec: {
    interval: '1m',
    sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    git: {
      checkout: { ref: { branch: 'main' } },
      commit: {
        author: { email: 'bot@example.com' },
        messageTemplate: '{{range .Updated.Images}}{{println .}}{{end}}',
      },
      push: { branch: 'main' },
    },
    update: { strategy: 'Setters', path: './apps' },
  },
  status: { lastAutomationRunTime: '2024-05-01T10:00:00Z', lastPushCommit: 'abc' },
};

describe('ImageUpdateAutomation', () => {
  const v1 = schemaOf(imageUpdateAutomationKind, 'v1');

  it('accepts v1, v1beta2 (without signing key type) and v1beta1 objects', () => {
    expect(errorPaths(v1, automation)).toEqual([]);
    const v1beta2 = variant(
      automation,
      (o) => delete (o.spec.git.commit.signingKey as { type?: string }).type,
    );
    expect(errorPaths(schemaOf(imageUpdateAutomationKind, 'v1beta2'), v1beta2)).toEqual([]);
    expect(errorPaths(schemaOf(imageUpdateAutomationKind, 'v1beta1'), automationV1beta1)).toEqual([]);
  });

  it.each([
    [
      'missing source',
      (o: typeof automation) => delete (o.spec as { sourceRef?: unknown }).sourceRef,
      '/spec/sourceRef',
    ],
    [
      'non-Git source',
      (o: typeof automation) => (o.spec.sourceRef.kind = 'OCIRepository'),
      '/spec/sourceRef/kind',
    ],
    [
      'missing interval',
      (o: typeof automation) => delete (o.spec as { interval?: string }).interval,
      '/spec/interval',
    ],
    [
      'author without email',
      (o: typeof automation) => delete (o.spec.git.commit.author as { email?: string }).email,
      '/spec/git/commit/author/email',
    ],
    [
      'git without commit',
      (o: typeof automation) => delete (o.spec.git as { commit?: unknown }).commit,
      '/spec/git/commit',
    ],
    [
      'checkout without ref',
      (o: typeof automation) => ((o.spec.git as Record<string, unknown>).checkout = {}),
      '/spec/git/checkout/ref',
    ],
    [
      'signing key type',
      (o: typeof automation) => (o.spec.git.commit.signingKey.type = 'pgp'),
      '/spec/git/commit/signingKey/type',
    ],
    [
      'signing key without secret',
      (o: typeof automation) => delete (o.spec.git.commit.signingKey as { secretRef?: unknown }).secretRef,
      '/spec/git/commit/signingKey/secretRef',
    ],
    [
      'update strategy',
      (o: typeof automation) => (o.spec.update.strategy = 'Replace'),
      '/spec/update/strategy',
    ],
    [
      'selector expression without operator',
      (o: typeof automation) =>
        delete (o.spec.policySelector.matchExpressions[0] as { operator?: string }).operator,
      '/spec/policySelector/matchExpressions/0/operator',
    ],
    [
      'observed policy without tag',
      (o: typeof automation) => delete (o.status.observedPolicies.podinfo as { tag?: string }).tag,
      '/status/observedPolicies/podinfo/tag',
    ],
  ])('v1 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1, variant(automation, mutate))).toContain(path);
  });

  it('v1beta1 requires the update strategy that later versions default', () => {
    const noStrategy = variant(
      automationV1beta1,
      (o) => delete (o.spec.update as { strategy?: string }).strategy,
    );
    expect(errorPaths(schemaOf(imageUpdateAutomationKind, 'v1beta1'), noStrategy)).toContain(
      '/spec/update/strategy',
    );
    expect(Value.Check(v1, { ...noStrategy, apiVersion: 'image.toolkit.fluxcd.io/v1' })).toBe(true);
  });

  it('v1beta1 accepted a signing key without a Secret, which v1 requires', () => {
    const unsigned = variant(
      automationV1beta1,
      (o) => ((o.spec.git.commit as Record<string, unknown>).signingKey = {}),
    );
    expect(Value.Check(schemaOf(imageUpdateAutomationKind, 'v1beta1'), unsigned)).toBe(true);
    expect(errorPaths(v1, unsigned)).toContain('/spec/git/commit/signingKey/secretRef');
  });

  it('stores a v1beta1 object as a valid v1 object and reads it back unchanged', () => {
    const stored = toStorage(structuredClone(automationV1beta1), registry);
    expect(stored.apiVersion).toBe('image.toolkit.fluxcd.io/v1');
    expect(errorPaths(v1, stored)).toEqual([]);
    expect(fromStorage(stored, 'v1beta1', registry)).toEqual(automationV1beta1);
  });
});
