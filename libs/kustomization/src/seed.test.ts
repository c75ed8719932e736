// The seed's Kustomization exactly as a user wrote it (kustomize.md §11): v1beta2,
// `./overlays/production`, `prune: true`, `validation: client`, against a repository with a base
// and a production overlay; a new commit that removes an object prunes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  readyAt,
  readyCondition,
  SERVICES,
  startHarness,
  waitFor,
  type Harness,
} from './test-support/harness.js';

// Namespaced objects need a namespace: as in Flux, the Kustomization's own is not assumed.
const repo = (ns: string) => ({
  'base/kustomization.yaml': `namespace: ${ns}\nresources:\n  - deployment.yaml\n  - service.yaml\n  - config.yaml\n`,
  'base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: game
spec:
  replicas: 1
  selector:
    matchLabels: { app: game }
  template:
    metadata:
      labels: { app: game }
    spec:
      containers:
        - name: game
          image: ghcr.io/example/game:1.0.0
          ports:
            - containerPort: 8080
`,
  'base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: game
spec:
  selector: { app: game }
  ports:
    - port: 80
      targetPort: 8080
`,
  'base/config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: game-settings
data:
  mode: casual
`,
  'overlays/production/kustomization.yaml': `resources:
  - ../../base
patches:
  - target: { kind: Deployment, name: game }
    patch: |
      - op: replace
        path: /spec/replicas
        value: 3
`,
});

describe('the seed Kustomization (v1beta2, production overlay, prune)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('applies the overlay, records the inventory, then prunes an object removed by a new commit', async () => {
    const ns = await h.namespace('game');
    const base = repo(ns);
    const first = await h.publish(ns, 'game-repo', base);
    await h.createKustomization(
      ns,
      'game-app',
      {
        interval: '5m0s',
        path: './overlays/production',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'game-repo' },
        validation: 'client',
      },
      'kustomize.toolkit.fluxcd.io/v1beta2',
    );
    const ready = await h.waitForKustomization(ns, 'game-app', readyAt(first), 'first revision applied');
    expect(readyCondition(ready)).toMatchObject({
      reason: 'ReconciliationSucceeded',
      message: `Applied revision: ${first}`,
    });
    expect(ready.status?.lastAttemptedRevision).toBe(first);
    expect(ready.status?.observedGeneration).toBe(ready.metadata?.generation);
    expect((ready.status?.conditions as { type: string }[]).map((c) => c.type)).not.toContain('Healthy');
    expect((ready.status?.inventory as { entries: unknown[] }).entries).toEqual([
      { id: `${ns}_game-settings__ConfigMap`, v: 'v1' },
      { id: `${ns}_game__Service`, v: 'v1' },
      { id: `${ns}_game_apps_Deployment`, v: 'v1' },
    ]);
    const history = ready.status?.history as {
      digest: string;
      lastReconciledStatus: string;
      totalReconciliations: number;
      metadata: Record<string, string>;
    }[];
    expect(history[0]).toMatchObject({
      lastReconciledStatus: 'ReconciliationSucceeded',
      metadata: { revision: first },
    });
    expect(history[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const deployment = await h.admin.get(DEPLOYMENTS, ns, 'game');
    expect((deployment.spec as { replicas: number }).replicas).toBe(3);
    expect(deployment.metadata?.labels).toMatchObject({
      'kustomize.toolkit.fluxcd.io/name': 'game-app',
      'kustomize.toolkit.fluxcd.io/namespace': ns,
    });
    expect(deployment.metadata?.managedFields?.map((m) => m.manager)).toContain('kustomize-controller');

    const { ['base/config.yaml']: _removed, ...rest } = base;
    const second = await h.publish(ns, 'game-repo', {
      ...rest,
      'base/kustomization.yaml': `namespace: ${ns}\nresources:\n  - deployment.yaml\n  - service.yaml\n`,
    });
    const after = await h.waitForKustomization(ns, 'game-app', readyAt(second), 'second revision applied');
    await expect(h.admin.get(CONFIG_MAPS, ns, 'game-settings')).rejects.toMatchObject({ status: 404 });
    expect((after.status?.inventory as { entries: { id: string }[] }).entries.map((e) => e.id)).toEqual([
      `${ns}_game__Service`,
      `${ns}_game_apps_Deployment`,
    ]);
    await h.admin.get(SERVICES, ns, 'game');
  });

  it('leaves unchanged objects alone on a revision that changes nothing in them', async () => {
    const ns = await h.namespace('nochange');
    const base = repo(ns);
    const first = await h.publish(ns, 'repo', base);
    await h.createKustomization(ns, 'app', {
      path: './base',
      sourceRef: { kind: 'GitRepository', name: 'repo' },
    });
    await h.waitForKustomization(ns, 'app', readyAt(first), 'first revision');
    const before = await h.admin.get(CONFIG_MAPS, ns, 'game-settings');
    const second = await h.publish(ns, 'repo', { ...base, 'README.md': 'docs only' });
    await h.waitForKustomization(ns, 'app', readyAt(second), 'second revision');
    const afterCm = await waitFor(
      () => h.admin.get(CONFIG_MAPS, ns, 'game-settings'),
      () => true,
      'config map',
    );
    expect(afterCm.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });
});
