// One test per pipeline feature, end to end against the double (kubelet simulator), NATS and S3.
// --requeue-dependency is an hour, so anything that happens quickly was driven by an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  conditionOf,
  DEPLOYMENTS,
  readyAt,
  readyCondition,
  SECRETS,
  startHarness,
  waitFor,
  type Harness,
} from './test-support/harness.js';
import { KUSTOMIZATIONS } from './spec.js';

const cm = (ns: string, name: string, data: string, meta = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${meta}data:\n${data}`;

const deployment = (
  ns: string,
  name: string,
  app = name,
  image = 'ghcr.io/example/app:1.0.0',
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: ${app} }
  template:
    metadata:
      labels: { app: ${app} }
    spec:
      containers:
        - name: app
          image: ${image}
`;

const source = { kind: 'GitRepository', name: 'repo' };

describe('Kustomization pipeline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ argv: ['--requeue-dependency=1h'] });
  });
  afterAll(async () => h?.close());

  it('dependsOn: the dependant starts as soon as its dependency is Ready (event-driven)', async () => {
    const ns = await h.namespace();
    const infraNs = `${ns}-infra`;
    const revision = await h.publish(ns, 'repo', {
      'infra/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${infraNs}\n`,
      'infra/cm.yaml': cm(infraNs, 'shared', '  a: b\n'),
      'apps/app.yaml': deployment(infraNs, 'web'),
    });
    await h.createKustomization(ns, 'apps', {
      sourceRef: source,
      path: './apps',
      dependsOn: [{ name: 'infra' }],
    });
    const waiting = await h.waitForKustomization(
      ns,
      'apps',
      (o) => readyCondition(o)?.reason === 'DependencyNotReady',
      'apps to wait for infra',
    );
    expect(readyCondition(waiting)?.message).toBe(`unable to get '${ns}/infra' dependency: not found`);
    await h.createKustomization(ns, 'infra', { sourceRef: source, path: './infra' });
    await h.waitForKustomization(ns, 'infra', readyAt(revision), 'infra');
    await h.waitForKustomization(ns, 'apps', readyAt(revision), 'apps right after infra', 10_000);
    expect((await h.admin.get(DEPLOYMENTS, infraNs, 'web')).metadata?.name).toBe('web');
  });

  it('dependsOn readyExpr: a CEL expression over self and dep replaces the built-in check', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', {
      'a/cm.yaml': cm(ns, 'a', '  k: v\n'),
      'b/cm.yaml': cm(ns, 'b', '  k: v\n'),
    });
    await h.createKustomization(ns, 'first', { sourceRef: source, path: './a', suspend: true });
    await h.createKustomization(ns, 'second', {
      sourceRef: source,
      path: './b',
      dependsOn: [{ name: 'first', readyExpr: "dep.spec.suspend == true && self.metadata.name == 'second'" }],
    });
    await h.waitForKustomization(
      ns,
      'second',
      readyAt(revision),
      'second via readyExpr although first never ran',
    );
  });

  it('generates kustomization.yaml for plain manifests and honours nested kustomizations', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', {
      'deploy/a.yaml': cm(ns, 'a', '  x: "1"\n'),
      'deploy/sub/b.yml': cm(ns, 'b', '  x: "2"\n'),
      'deploy/kust/kustomization.yaml': 'resources:\n  - c.yaml\nnameSuffix: -k\n',
      'deploy/kust/c.yaml': cm(ns, 'c', '  x: "3"\n'),
    });
    await h.createKustomization(ns, 'app', { sourceRef: source, path: 'deploy' });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'generated kustomization');
    for (const name of ['a', 'b', 'c-k']) await h.admin.get(CONFIG_MAPS, ns, name);
  });

  it('applies targetNamespace, namePrefix/Suffix, images, patches, components and commonMetadata', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', {
      'app/kustomization.yaml':
        'resources:\n  - deploy.yaml\nimages:\n  - name: ghcr.io/example/app\n    newTag: 1.0.1\n',
      'app/deploy.yaml': deployment('elsewhere', 'web'),
      'components/extra/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - cm.yaml\n',
      'components/extra/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n',
    });
    await h.createKustomization(ns, 'app', {
      sourceRef: source,
      path: './app',
      targetNamespace: ns,
      namePrefix: 'pre-',
      nameSuffix: '-suf',
      images: [{ name: 'ghcr.io/example/app', newTag: '2.0.0' }],
      components: ['../components/extra'],
      patches: [
        { target: { kind: 'Deployment' }, patch: '[{"op":"add","path":"/spec/replicas","value":2}]' },
      ],
      commonMetadata: { labels: { team: 'blue' }, annotations: { owner: 'ops' } },
    });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'transformed build');
    const web = await h.admin.get(DEPLOYMENTS, ns, 'pre-web-suf');
    const spec = web.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0]?.image).toBe('ghcr.io/example/app:2.0.0');
    expect(web.metadata?.labels).toMatchObject({ team: 'blue' });
    expect(web.metadata?.annotations).toMatchObject({ owner: 'ops' });
    await h.admin.get(CONFIG_MAPS, ns, 'pre-extra-suf');
  });

  it('postBuild: substitute and substituteFrom with defaults, escapes, opt-out and re-typing', async () => {
    const ns = await h.namespace();
    await h.admin.create(CONFIG_MAPS, {
      metadata: { name: 'vars', namespace: ns },
      data: { REPLICAS: '3', ENV: 'cm' },
    });
    await h.admin.create(SECRETS, {
      metadata: { name: 'secret-vars', namespace: ns },
      data: {
        TOKEN: Buffer.from('s3cr3t').toString('base64'),
        ENV: Buffer.from('secret').toString('base64'),
      },
    });
    const revision = await h.publish(ns, 'repo', {
      'cm.yaml': cm(
        ns,
        'subst',
        '  env: ${ENV}\n  region: ${REGION:=eu-west-1}\n  token: ${TOKEN}\n  literal: $${ENV}\n  upper: ${cluster^^}\n  enabled: "${ENABLED}"\n',
      ),
      'off.yaml': cm(
        ns,
        'off',
        '  env: ${ENV}\n',
        '  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n',
      ),
      'deploy.yaml': deployment(ns, 'web').replace(
        'spec:\n  selector',
        'spec:\n  replicas: ${REPLICAS}\n  selector',
      ),
    });
    await h.createKustomization(ns, 'app', {
      sourceRef: source,
      postBuild: {
        substitute: { cluster: 'prod-1', ENABLED: 'true' },
        substituteFrom: [
          { kind: 'ConfigMap', name: 'vars' },
          { kind: 'Secret', name: 'secret-vars' },
          { kind: 'ConfigMap', name: 'absent', optional: true },
        ],
      },
    });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'substituted build');
    const data = (await h.admin.get(CONFIG_MAPS, ns, 'subst')).data;
    expect(data).toEqual({
      env: 'secret',
      region: 'eu-west-1',
      token: 's3cr3t',
      literal: '${ENV}',
      upper: 'PROD-1',
      enabled: 'true',
    });
    expect((await h.admin.get(CONFIG_MAPS, ns, 'off')).data).toEqual({ env: '${ENV}' });
    expect((await h.admin.get(DEPLOYMENTS, ns, 'web')).spec).toMatchObject({ replicas: 3 });
  });

  it('postBuild: a missing substituteFrom that is not optional fails the build', async () => {
    const ns = await h.namespace();
    await h.publish(ns, 'repo', { 'cm.yaml': cm(ns, 'x', '  a: ${A}\n') });
    await h.createKustomization(ns, 'app', {
      sourceRef: source,
      postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'absent' }] },
    });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'BuildFailed',
      'BuildFailed',
    );
    expect(readyCondition(obj)?.message).toContain(`ConfigMap '${ns}/absent' not found`);
  });

  it('v1beta2 patchesStrategicMerge and patchesJson6902 are honoured', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web') });
    await h.createKustomization(
      ns,
      'app',
      {
        sourceRef: source,
        patchesStrategicMerge: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web', namespace: ns },
            spec: { replicas: 4 },
          },
        ],
        patchesJson6902: [
          {
            target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' },
            patch: [{ op: 'add', path: '/metadata/labels', value: { patched: 'yes' } }],
          },
        ],
      },
      'kustomize.toolkit.fluxcd.io/v1beta2',
    );
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'legacy patches');
    const web = await h.admin.get(DEPLOYMENTS, ns, 'web');
    expect(web.spec).toMatchObject({ replicas: 4 });
    expect(web.metadata?.labels).toMatchObject({ patched: 'yes' });
  });

  it('wait: Healthy=True once every applied object is Current', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', {
      'deploy.yaml': deployment(ns, 'web'),
      'cm.yaml': cm(ns, 'c', '  a: b\n'),
    });
    await h.createKustomization(ns, 'app', { sourceRef: source, wait: true });
    const obj = await h.waitForKustomization(ns, 'app', readyAt(revision), 'healthy');
    expect(conditionOf(obj, 'Healthy')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(conditionOf(obj, 'Healthy')?.message).toMatch(/^Health check passed in /);
  });

  it('healthChecks: a failed Deployment gives HealthCheckFailed on Ready and Healthy', async () => {
    const ns = await h.namespace();
    h.kube.kubelet.setOutcome({ kind: 'Deployment', namespace: ns, name: 'web' }, 'failed');
    await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web') });
    await h.createKustomization(ns, 'app', {
      sourceRef: source,
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }],
    });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'HealthCheckFailed',
      'HealthCheckFailed',
    );
    expect(conditionOf(obj, 'Healthy')).toMatchObject({ status: 'False', reason: 'HealthCheckFailed' });
    expect(readyCondition(obj)?.message).toContain(`Deployment/${ns}/web status: 'Failed'`);
  });

  it('healthCheckExprs: CEL rules decide the health of a custom kind; a bad rule stalls', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', { 'cm.yaml': cm(ns, 'c', '  phase: ready\n') });
    await h.createKustomization(ns, 'app', {
      sourceRef: source,
      wait: true,
      healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: "data.phase == 'ready'" }],
    });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'CEL current');
    await h.createKustomization(ns, 'bad', {
      sourceRef: source,
      healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: 'data.phase ==' }],
    });
    const bad = await h.waitForKustomization(
      ns,
      'bad',
      (o) => conditionOf(o, 'Stalled')?.status === 'True',
      'stalled on the bad expression',
    );
    expect(readyCondition(bad)?.reason).toBe('InvalidCELExpression');
  });

  it('force: recreates an object whose immutable field changed', async () => {
    const ns = await h.namespace();
    const first = await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web', 'one') });
    await h.createKustomization(ns, 'app', { sourceRef: source, force: true });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first');
    const uid = (await h.admin.get(DEPLOYMENTS, ns, 'web')).metadata?.uid;
    const second = await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web', 'two') });
    await h.waitForKustomization(ns, 'app', readyAt(second), 'recreated');
    const web = await h.admin.get(DEPLOYMENTS, ns, 'web');
    expect(web.metadata?.uid).not.toBe(uid);
    expect(web.spec).toMatchObject({ selector: { matchLabels: { app: 'two' } } });
  });

  it('without force an immutable change fails with the API error', async () => {
    const ns = await h.namespace();
    const first = await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web', 'one') });
    await h.createKustomization(ns, 'app', { sourceRef: source });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first');
    await h.publish(ns, 'repo', { 'deploy.yaml': deployment(ns, 'web', 'two') });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'ReconciliationFailed',
      'immutable failure',
    );
    expect(readyCondition(obj)?.message).toContain('field is immutable');
  });

  it('suspend: a new revision is not applied until resumed', async () => {
    const ns = await h.namespace();
    const first = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a', '  v: "1"\n') });
    await h.createKustomization(ns, 'app', { sourceRef: source });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first');
    await h.admin.patch(KUSTOMIZATIONS, { namespace: ns, name: 'app' }, { spec: { suspend: true } });
    await h.waitForKustomization(ns, 'app', (o) => o.status?.observedGeneration === 1, 'unchanged status');
    const second = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a', '  v: "2"\n') });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await h.admin.get(CONFIG_MAPS, ns, 'a')).data).toEqual({ v: '1' });
    await h.admin.patch(KUSTOMIZATIONS, { namespace: ns, name: 'app' }, { spec: { suspend: false } });
    await h.waitForKustomization(ns, 'app', readyAt(second), 'resumed');
    expect((await h.admin.get(CONFIG_MAPS, ns, 'a')).data).toEqual({ v: '2' });
  });

  it('a new revision is picked up from the source object when no announcement arrives', async () => {
    const ns = await h.namespace();
    const first = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a', '  v: "1"\n') });
    await h.createKustomization(ns, 'app', { sourceRef: source });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first');
    const second = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a', '  v: "2"\n') }, { announce: false });
    await h.waitForKustomization(ns, 'app', readyAt(second), 'second via the watch', 10_000);
  });

  it('deleting the Kustomization prunes its objects (finalizer)', async () => {
    const ns = await h.namespace();
    const first = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a', '  v: "1"\n') });
    await h.createKustomization(ns, 'app', { sourceRef: source });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first');
    await h.admin.delete(KUSTOMIZATIONS, { namespace: ns, name: 'app' });
    await waitFor(
      () =>
        h.admin.get(CONFIG_MAPS, ns, 'a').then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
      'the ConfigMap to be pruned',
    );
    await waitFor(
      () =>
        h.getKustomization(ns, 'app').then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
      'the Kustomization to go',
    );
  });

  it('keeps reconciling while NATS is down (last: it stops the server)', async () => {
    const ns = await h.namespace();
    await h.nats.kill();
    try {
      const revision = await h.publish(
        ns,
        'repo',
        { 'a.yaml': cm(ns, 'a', '  v: "1"\n') },
        { announce: false },
      );
      await h.createKustomization(ns, 'app', { sourceRef: source });
      await h.waitForKustomization(ns, 'app', readyAt(revision), 'Ready without NATS');
    } finally {
      await h.nats.start();
    }
  });
});
