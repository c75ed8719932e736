import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { createKindRegistry } from '../kind-registry.js';
import { fromStorage, toStorage } from '../normalise.js';
import { errorPaths, schemaOf, specField, variant, versionOf } from '../test-support/kind-schemas.js';
import { alertKind, notificationKinds, providerKind, receiverKind } from './notification.js';

const registry = createKindRegistry(notificationKinds);

const readyCondition = {
  type: 'Ready',
  status: 'True',
  lastTransitionTime: '2024-05-01T10:00:00Z',
  reason: 'Succeeded',
  message: 'Initialized',
};

describe('notification kinds', () => {
  it('serve the versions of notification.md §0, storage first', () => {
    expect(alertKind.versions.map((v) => v.name)).toEqual(['v1beta3', 'v1beta2', 'v1beta1']);
    expect(providerKind.versions.map((v) => v.name)).toEqual(['v1beta3', 'v1beta2', 'v1beta1']);
    expect(receiverKind.versions.map((v) => v.name)).toEqual(['v1', 'v1beta2', 'v1beta1']);
    for (const kind of notificationKinds) {
      expect(kind.group).toBe('notification.toolkit.fluxcd.io');
      expect(kind.categories).toEqual(['all', 'fluxcd', 'fluxcd-notifications']);
      expect(kind.versions.slice(1).every((v) => v.deprecated)).toBe(true);
    }
    expect(versionOf(alertKind, 'v1beta1').deprecationWarning).toBe(
      'v1beta1 Alert is deprecated, upgrade to v1beta3',
    );
    expect(versionOf(receiverKind, 'v1beta2').deprecationWarning).toBe(
      'v1beta2 Receiver is deprecated, upgrade to v1',
    );
  });

  it('mark Alert and Provider for no substitution and give them no status in v1beta3', () => {
    for (const kind of [alertKind, providerKind]) {
      expect(kind.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' });
      expect(schemaOf(kind, 'v1beta3').properties.status).toBeUndefined();
      expect(versionOf(kind, 'v1beta3').printerColumns.map((c) => c.name)).toEqual(['Age']);
      expect(schemaOf(kind, 'v1beta2').properties.status).toBeDefined();
    }
    expect(versionOf(receiverKind, 'v1').printerColumns.map((c) => c.name)).toEqual([
      'Age',
      'Ready',
      'Status',
    ]);
    expect(schemaOf(receiverKind, 'v1').properties.status).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------

const alert = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { name: 'on-call', namespace: 'flux-system' },
  spec: {
    providerRef: { name: 'slack' },
    eventSeverity: 'error',
    eventSources: [
      { kind: 'GitRepository', name: '*' },
      { kind: 'Kustomization', name: '*', namespace: 'apps', matchLabels: { team: 'web' } },
      { kind: 'HelmRelease', name: 'podinfo', apiVersion: 'helm.toolkit.fluxcd.io/v2' },
      { kind: 'ExternalArtifact', name: 'bundle' },
    ],
    inclusionList: ['.*succeeded.*'],
    exclusionList: ['^Dependencies.*'],
    eventMetadata: { env: 'prod', cluster: 'eu-1' },
    summary: 'Cluster eu-1 impact',
    suspend: false,
  },
};

const alertV1beta1 = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta1',
  kind: 'Alert',
  metadata: { name: 'legacy', namespace: 'flux-system' },
  spec: {
    providerRef: { name: 'slack' },
    eventSeverity: 'info',
    eventSources: [{ kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }],
    exclusionList: ['.*upgrade.*'],
    summary: 'x'.repeat(300),
  },
  status: { observedGeneration: 1, conditions: [readyCondition] },
};

describe('Alert', () => {
  const v1beta3 = schemaOf(alertKind, 'v1beta3');

  it('accepts v1beta3, v1beta2 with status and v1beta1 objects', () => {
    expect(errorPaths(v1beta3, alert)).toEqual([]);
    const v1beta2 = { ...alert, status: { observedGeneration: 1, conditions: [readyCondition] } };
    expect(errorPaths(schemaOf(alertKind, 'v1beta2'), v1beta2)).toEqual([]);
    expect(errorPaths(schemaOf(alertKind, 'v1beta1'), alertV1beta1)).toEqual([]);
  });

  it('defaults the severity to info', () => {
    expect(specField(v1beta3, 'eventSeverity')?.default).toBe('info');
  });

  it.each([
    [
      'missing provider',
      (o: typeof alert) => delete (o.spec as { providerRef?: unknown }).providerRef,
      '/spec/providerRef',
    ],
    [
      'missing sources',
      (o: typeof alert) => delete (o.spec as { eventSources?: unknown }).eventSources,
      '/spec/eventSources',
    ],
    [
      'source of a foreign kind',
      (o: typeof alert) => (o.spec.eventSources[0]!.kind = 'Deployment'),
      '/spec/eventSources/0/kind',
    ],
    [
      'source without name',
      (o: typeof alert) => delete (o.spec.eventSources[0] as { name?: string }).name,
      '/spec/eventSources/0/name',
    ],
    [
      'empty source name',
      (o: typeof alert) => (o.spec.eventSources[0]!.name = ''),
      '/spec/eventSources/0/name',
    ],
    ['warning severity', (o: typeof alert) => (o.spec.eventSeverity = 'warning'), '/spec/eventSeverity'],
    ['summary over 255', (o: typeof alert) => (o.spec.summary = 's'.repeat(256)), '/spec/summary'],
    [
      'non-string metadata',
      (o: typeof alert) => ((o.spec.eventMetadata as Record<string, unknown>).env = 1),
      '/spec/eventMetadata/env',
    ],
  ])('v1beta3 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1beta3, variant(alert, mutate))).toContain(path);
  });

  it('v1beta1 keeps its narrower kinds and 53-character names but no summary limit', () => {
    const v1beta1 = schemaOf(alertKind, 'v1beta1');
    const artifact = variant(alertV1beta1, (o) => (o.spec.eventSources[0]!.kind = 'ArtifactGenerator'));
    expect(errorPaths(v1beta1, artifact)).toContain('/spec/eventSources/0/kind');
    const longName = variant(alertV1beta1, (o) => (o.spec.eventSources[0]!.name = 'n'.repeat(54)));
    expect(errorPaths(v1beta1, longName)).toContain('/spec/eventSources/0/name');
    expect(Value.Check(v1beta1, alertV1beta1)).toBe(true);
  });

  it.each([
    [
      'v1beta2',
      { ...alert, apiVersion: 'notification.toolkit.fluxcd.io/v1beta2', status: alertV1beta1.status },
    ],
    ['v1beta1', alertV1beta1],
  ])(
    'stores a %s Alert as a valid v1beta3 object without status and reads it back unchanged',
    (name, obj) => {
      const stored = toStorage(structuredClone(obj), registry);
      expect(stored.apiVersion).toBe('notification.toolkit.fluxcd.io/v1beta3');
      expect(stored.status).toBeUndefined();
      expect(stored.spec).toEqual(obj.spec);
      // v1beta1 had no summary limit; like the API server (which validates the version written, not
      // storage), normalisation keeps the long summary, so only that field breaks the v1beta3 rules.
      expect(errorPaths(v1beta3, stored)).toEqual(name === 'v1beta1' ? ['/spec/summary'] : []);
      expect(fromStorage(stored, name, registry)).toEqual(obj);
    },
  );
});

// ---------------------------------------------------------------------------------------------

const provider = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Provider',
  metadata: { name: 'github', namespace: 'flux-system' },
  spec: {
    type: 'github',
    address: 'https://github.com/org/repo',
    secretRef: { name: 'github-token' },
    certSecretRef: { name: 'ca' },
    proxySecretRef: { name: 'proxy' },
    timeout: '30s',
    commitStatusExpr: "(event.involvedObject.kind + '/' + event.involvedObject.name).lowerAscii()",
    serviceAccountName: 'notifier',
    suspend: false,
  },
};

const providerV1beta1 = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta1',
  kind: 'Provider',
  metadata: { name: 'slack', namespace: 'flux-system' },
  spec: {
    type: 'slack',
    channel: 'general',
    username: 'flux',
    address: 'https://hooks.slack.com/services/T/B/X',
    proxy: 'http://proxy:3128',
    secretRef: { name: 'slack-url' },
  },
  status: { observedGeneration: 2, conditions: [readyCondition] },
};

describe('Provider', () => {
  const v1beta3 = schemaOf(providerKind, 'v1beta3');

  it('accepts v1beta3 (new types included), v1beta2 and v1beta1 objects', () => {
    expect(errorPaths(v1beta3, provider)).toEqual([]);
    for (const type of ['incident.io', 'zoom', 'otel', 'giteapullrequestcomment', 'generic-hmac']) {
      expect(Value.Check(v1beta3, { spec: { type } })).toBe(true);
    }
    const v1beta2 = {
      spec: { type: 'datadog', address: 'https://api.datadoghq.eu', interval: '5m', timeout: '15s' },
    };
    expect(errorPaths(schemaOf(providerKind, 'v1beta2'), v1beta2)).toEqual([]);
    expect(errorPaths(schemaOf(providerKind, 'v1beta1'), providerV1beta1)).toEqual([]);
  });

  it.each([
    ['missing type', (o: typeof provider) => delete (o.spec as { type?: string }).type, '/spec/type'],
    ['unknown type', (o: typeof provider) => (o.spec.type = 'email'), '/spec/type'],
    ['timeout in hours', (o: typeof provider) => (o.spec.timeout = '1h'), '/spec/timeout'],
    [
      'address over 2048',
      (o: typeof provider) => (o.spec.address = `https://x/${'a'.repeat(2040)}`),
      '/spec/address',
    ],
    [
      'socks proxy',
      (o: typeof provider) => ((o.spec as Record<string, unknown>).proxy = 'socks5://proxy:1080'),
      '/spec/proxy',
    ],
    [
      'secretRef without name',
      (o: typeof provider) => ((o.spec as Record<string, unknown>).secretRef = {}),
      '/spec/secretRef/name',
    ],
  ])('v1beta3 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1beta3, variant(provider, mutate))).toContain(path);
  });

  it('keeps the narrower address rule and type list of older versions', () => {
    const v1beta1 = schemaOf(providerKind, 'v1beta1');
    const ftp = variant(providerV1beta1, (o) => (o.spec.address = 'ftp://example.com'));
    expect(errorPaths(v1beta1, ftp)).toContain('/spec/address');
    expect(errorPaths(v1beta1, { spec: { type: 'gitea' } })).toContain('/spec/type');
    expect(Value.Check(schemaOf(providerKind, 'v1beta2'), { spec: { type: 'gitea' } })).toBe(true);
    expect(errorPaths(schemaOf(providerKind, 'v1beta2'), { spec: { type: 'nats' } })).toContain('/spec/type');
  });

  it('limits commitStatusExpr to commit-status providers with a CEL rule', () => {
    const spec = v1beta3.properties.spec as Record<string, unknown>;
    const [rule] = spec['x-kubernetes-validations'] as { rule: string; message: string }[];
    expect(rule?.rule).toBe(
      "self.type == 'github' || self.type == 'gitlab' || self.type == 'gitea' || self.type == 'bitbucketserver' || " +
        "self.type == 'bitbucket' || self.type == 'azuredevops' || !has(self.commitStatusExpr)",
    );
  });

  it('stores a v1beta1 Provider as a valid v1beta3 object without status and reads it back unchanged', () => {
    const stored = toStorage(structuredClone(providerV1beta1), registry);
    expect(stored.status).toBeUndefined();
    expect(errorPaths(v1beta3, stored)).toEqual([]);
    expect(fromStorage(stored, 'v1beta1', registry)).toEqual(providerV1beta1);
  });
});

// ---------------------------------------------------------------------------------------------

const receiver = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1',
  kind: 'Receiver',
  metadata: { name: 'gh', namespace: 'flux-system' },
  spec: {
    type: 'github',
    interval: '1h',
    events: ['ping', 'push'],
    secretRef: { name: 'webhook-token' },
    resources: [
      { kind: 'GitRepository', name: 'webapp' },
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1',
        kind: 'ImageRepository',
        name: '*',
        matchLabels: { app: 'web' },
        filter: "res.metadata.name != 'x'",
      },
    ],
    resourceFilter: "req.ref == 'refs/heads/main'",
    suspend: false,
  },
  status: {
    observedGeneration: 1,
    conditions: [{ ...readyCondition, message: 'Receiver initialized for path: /hook/a9ea8f' }],
    webhookPath: '/hook/a9ea8f149faa069a95c00a05aa101dbffcbf35f817eb4f75b1a522ec1cecfd2d',
  },
};

const oidcReceiver = {
  spec: {
    type: 'generic-oidc',
    resources: [{ kind: 'Kustomization', name: 'apps' }],
    oidcProviders: [
      {
        issuerURL: 'https://token.actions.githubusercontent.com',
        audience: 'flux',
        variables: [{ name: 'repo', expression: 'claims.repository' }],
        validations: [{ expression: "vars.repo == 'org/app'", message: 'wrong repository' }],
      },
    ],
  },
};

const receiverV1beta1 = {
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta1',
  kind: 'Receiver',
  metadata: { name: 'harbor', namespace: 'flux-system' },
  spec: {
    type: 'harbor',
    secretRef: { name: 'token' },
    resources: [{ kind: 'ImageRepository', name: 'app' }],
  },
  status: {
    observedGeneration: 1,
    conditions: [readyCondition],
    url: '/hook/bed6d00b5555b1603e1f59b94d7fdbca58089cb5663633fb83f2815dc626d92b',
  },
};

describe('Receiver', () => {
  const v1 = schemaOf(receiverKind, 'v1');

  it('accepts v1 (OIDC included), v1beta2 and v1beta1 objects', () => {
    expect(errorPaths(v1, receiver)).toEqual([]);
    expect(errorPaths(v1, oidcReceiver)).toEqual([]);
    const v1beta2 = {
      spec: { type: 'gitlab', secretRef: { name: 't' }, resources: [{ kind: 'OCIRepository', name: 'x' }] },
      status: { url: '/hook/1', webhookPath: '/hook/1' },
    };
    expect(errorPaths(schemaOf(receiverKind, 'v1beta2'), v1beta2)).toEqual([]);
    expect(errorPaths(schemaOf(receiverKind, 'v1beta1'), receiverV1beta1)).toEqual([]);
  });

  it('defaults the interval to 10m in v1 only and carries the OIDC rules', () => {
    const intervalDefault = (name: string) => specField(schemaOf(receiverKind, name), 'interval')?.default;
    expect(intervalDefault('v1')).toBe('10m');
    expect(intervalDefault('v1beta2')).toBeUndefined();
    const rules = (v1.properties.spec as Record<string, unknown>)['x-kubernetes-validations'];
    expect(JSON.stringify(rules)).toContain('secretRef is required when type is not generic-oidc');
  });

  it.each([
    ['missing type', (o: typeof receiver) => delete (o.spec as { type?: string }).type, '/spec/type'],
    ['gitea type', (o: typeof receiver) => (o.spec.type = 'gitea'), '/spec/type'],
    [
      'missing resources',
      (o: typeof receiver) => delete (o.spec as { resources?: unknown }).resources,
      '/spec/resources',
    ],
    [
      'resource of a foreign kind',
      (o: typeof receiver) => (o.spec.resources[0]!.kind = 'Secret'),
      '/spec/resources/0/kind',
    ],
    [
      'resource name over 253',
      (o: typeof receiver) => (o.spec.resources[0]!.name = 'n'.repeat(254)),
      '/spec/resources/0/name',
    ],
    ['interval in days', (o: typeof receiver) => (o.spec.interval = '7d'), '/spec/interval'],
  ])('v1 rejects %s', (_case, mutate, path) => {
    expect(errorPaths(v1, variant(receiver, mutate))).toContain(path);
  });

  it.each([
    [
      'no validations',
      (o: typeof oidcReceiver) => (o.spec.oidcProviders[0]!.validations = []),
      '/spec/oidcProviders/0/validations',
    ],
    [
      'non-HTTP issuer',
      (o: typeof oidcReceiver) => (o.spec.oidcProviders[0]!.issuerURL = 'ftp://issuer'),
      '/spec/oidcProviders/0/issuerURL',
    ],
    [
      'variable without expression',
      (o: typeof oidcReceiver) =>
        delete (o.spec.oidcProviders[0]!.variables[0] as { expression?: string }).expression,
      '/spec/oidcProviders/0/variables/0/expression',
    ],
  ])('v1 rejects an OIDC provider with %s', (_case, mutate, path) => {
    expect(errorPaths(v1, variant(oidcReceiver, mutate))).toContain(path);
  });

  it('v1beta2 requires a secretRef, v1beta1 did not require a resource kind', () => {
    expect(
      errorPaths(schemaOf(receiverKind, 'v1beta2'), { spec: { type: 'generic', resources: [] } }),
    ).toContain('/spec/secretRef');
    const noKind = { spec: { type: 'generic', resources: [{ name: 'x' }] } };
    expect(Value.Check(schemaOf(receiverKind, 'v1beta1'), noKind)).toBe(true);
    expect(
      errorPaths(schemaOf(receiverKind, 'v1beta1'), {
        spec: { type: 'generic', resources: [{ name: 'n'.repeat(54) }] },
      }),
    ).toContain('/spec/resources/0/name');
  });
});

describe('Receiver v1beta* ⇄ v1 mapping', () => {
  it('stores the v1beta1 hook url as webhookPath', () => {
    const stored = toStorage(structuredClone(receiverV1beta1), registry) as typeof receiver;
    expect(stored.apiVersion).toBe('notification.toolkit.fluxcd.io/v1');
    expect(stored.status.webhookPath).toBe(receiverV1beta1.status.url);
    expect((stored.status as Record<string, unknown>).url).toBeUndefined();
    expect(errorPaths(schemaOf(receiverKind, 'v1'), stored)).toEqual([]);
  });

  it('round-trips a v1beta1 object through storage unchanged', () => {
    const stored = toStorage(structuredClone(receiverV1beta1), registry);
    expect(fromStorage(stored, 'v1beta1', registry)).toEqual(receiverV1beta1);
  });

  it('reads a v1 object as v1beta2 with the deprecated url filled in', () => {
    const read = fromStorage(structuredClone(receiver), 'v1beta2', registry) as typeof receiver & {
      status: { url?: string };
    };
    expect(read.status.url).toBe(receiver.status.webhookPath);
    expect(read.status.webhookPath).toBe(receiver.status.webhookPath);
  });

  it('prefers an existing webhookPath over the url', () => {
    const both = { ...receiverV1beta1, status: { url: '/hook/old', webhookPath: '/hook/new' } };
    const converted = versionOf(receiverKind, 'v1beta2').toStorage?.(both) as typeof receiver;
    expect(converted.status.webhookPath).toBe('/hook/new');
  });
});
