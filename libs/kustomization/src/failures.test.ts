// Bad inputs and failure modes end to end: each leaves a clear Ready condition and, where Flux
// promises it, nothing half-applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiObject, ResourceType } from '@flotilla/runtime';
import {
  CONFIG_MAPS,
  conditionOf,
  failedWith,
  readyAt,
  readyCondition,
  startHarness,
  waitFor,
  type Harness,
} from './test-support/harness.js';

const WIDGETS_CRD: ApiObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

const EVENTS: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };

const configMap = (ns: string, name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${extra}data:\n  k: v\n`;

describe('Kustomization failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ kube: { authorization: 'RBAC' }, extraCrds: [WIDGETS_CRD] });
  });
  afterAll(async () => h?.close());

  async function run(files: Record<string, string>, spec: Record<string, unknown> = {}) {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', files);
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec });
    return { ns, revision };
  }

  it('invalid YAML in the repository: BuildFailed naming the file', async () => {
    const { ns, revision } = await run({
      'apps/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n',
    });
    const obj = await h.waitForKustomization(ns, 'app', failedWith('BuildFailed'), 'BuildFailed');
    expect(readyCondition(obj)?.message).toContain('apps/bad.yaml');
    expect(obj.status?.lastAttemptedRevision).toBe(revision);
    expect(obj.status?.lastAppliedRevision).toBeUndefined();
  });

  it('a kustomization referencing a missing file: BuildFailed naming it', async () => {
    const { ns } = await run({ 'kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    const obj = await h.waitForKustomization(ns, 'app', failedWith('BuildFailed'), 'BuildFailed');
    expect(readyCondition(obj)?.message).toContain('missing.yaml');
  });

  it('a path that does not exist in the artifact: ArtifactFailed', async () => {
    const ns = await h.namespace();
    await h.publish(ns, 'repo', { 'a.yaml': configMap(ns, 'a') });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      path: './nowhere',
    });
    const obj = await h.waitForKustomization(ns, 'app', failedWith('ArtifactFailed'), 'ArtifactFailed');
    expect(readyCondition(obj)?.message).toBe('kustomization path not found: ./nowhere');
  });

  it('an object rejected by its CRD schema: nothing from that revision is applied', async () => {
    const widget = (ns: string) =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: ${ns}\nspec:\n  size: big\n`;
    const ns = await h.namespace();
    await h.publish(ns, 'repo', { 'cm.yaml': configMap(ns, 'first'), 'widget.yaml': widget(ns) });
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' } });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      failedWith('ReconciliationFailed'),
      'ReconciliationFailed',
    );
    expect(readyCondition(obj)?.message).toMatch(/Widget\/.*\/w dry-run failed \(Invalid\).*spec\.size/s);
    await expect(h.admin.get(CONFIG_MAPS, ns, 'first')).rejects.toMatchObject({ status: 404 });
    expect(obj.status?.inventory).toBeUndefined();
  });

  it('keeps an object marked prune: disabled when it leaves the source', async () => {
    const ns = await h.namespace();
    const keep = configMap(ns, 'keep', '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n');
    const first = await h.publish(ns, 'repo', { 'keep.yaml': keep, 'other.yaml': configMap(ns, 'other') });
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' } });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first revision');
    const second = await h.publish(ns, 'repo', { 'other.yaml': configMap(ns, 'other') });
    const obj = await h.waitForKustomization(ns, 'app', readyAt(second), 'second revision');
    expect((await h.admin.get(CONFIG_MAPS, ns, 'keep')).metadata?.name).toBe('keep');
    expect((obj.status?.inventory as { entries: { id: string }[] }).entries.map((e) => e.id)).toEqual([
      `${ns}_other__ConfigMap`,
    ]);
  });

  it('an impersonated service account without rights: Forbidden in the Ready message', async () => {
    const ns = await h.namespace();
    await h.publish(ns, 'repo', { 'cm.yaml': configMap(ns, 'x') });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      serviceAccountName: 'restricted',
    });
    const obj = await h.waitForKustomization(ns, 'app', failedWith('ReconciliationFailed'), 'Forbidden');
    expect(readyCondition(obj)?.message).toContain('Forbidden');
    expect(readyCondition(obj)?.message).toContain(`system:serviceaccount:${ns}:restricted`);
    await expect(h.admin.get(CONFIG_MAPS, ns, 'x')).rejects.toMatchObject({ status: 404 });
  });

  it('a failing health check is cancelled by a newer revision instead of waiting for the timeout', async () => {
    const ns = await h.namespace();
    const statefulSet = (name: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  serviceName: ${name}
  replicas: 1
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: db
          image: ghcr.io/example/db:1
`;
    h.kube.kubelet.setOutcome({ kind: 'StatefulSet', namespace: ns, name: 'broken' }, 'failed');
    const first = await h.publish(ns, 'repo', { 'db.yaml': statefulSet('broken') });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      wait: true,
      timeout: '10m',
    });
    await h.waitForKustomization(
      ns,
      'app',
      (o) => (readyCondition(o)?.message ?? '').startsWith(`Running health checks for revision ${first}`),
      'the health wait to start',
    );
    const started = Date.now();
    const second = await h.publish(ns, 'repo', { 'db.yaml': statefulSet('fixed') });
    const obj = await h.waitForKustomization(ns, 'app', readyAt(second), 'the fixed revision');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(conditionOf(obj, 'Healthy')?.status).toBe('True');
    const events = await waitFor(
      () => h.admin.list(EVENTS, { namespace: ns }),
      (list) => list.items.some((e) => e.reason === 'HealthCheckCanceled'),
      'the HealthCheckCanceled event',
    );
    const canceled = events.items.find((e) => e.reason === 'HealthCheckCanceled');
    expect(canceled?.message).toContain(second);
  });
});
