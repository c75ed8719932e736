// ../shared/fixtures/flux-example, variant a484a05-classic, bootstrapped as `flux bootstrap`
// would leave it: GitRepository flux-system and a root Kustomization on ./clusters/staging, which
// applies infra-controllers → infra-configs → apps (dependsOn). The Helm parts (HelmRepository,
// HelmRelease documents) are left out until helm-controller exists; the ClusterIssuer CRD that
// the cert-manager chart would install is installed up front.
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { ApiObject, ResourceType } from '@flotilla/runtime';
import { NAMESPACES, readyAt, startHarness, type Harness } from './test-support/harness.js';

const VARIANT = join(
  import.meta.dirname,
  '../../../../shared/fixtures/flux-example/variants/a484a05-classic',
);
const HELM_KINDS = new Set(['HelmRelease', 'HelmRepository']);
const CLUSTER_ISSUERS: ResourceType = {
  group: 'cert-manager.io',
  version: 'v1',
  kind: 'ClusterIssuer',
  plural: 'clusterissuers',
  namespaced: false,
};

const CLUSTER_ISSUER_CRD: ApiObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'clusterissuers.cert-manager.io' },
  spec: {
    group: 'cert-manager.io',
    names: {
      kind: 'ClusterIssuer',
      plural: 'clusterissuers',
      singular: 'clusterissuer',
      listKind: 'ClusterIssuerList',
    },
    scope: 'Cluster',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** The repository as source-controller would pack it (.sourceignore keeps apps/, clusters/, infrastructure/). */
async function repositoryFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files[relative(VARIANT, full)] = await readFile(full, 'utf8');
    }
  };
  for (const top of ['apps', 'clusters', 'infrastructure']) await walk(join(VARIANT, top));
  const patches = patchFiles(files);
  for (const [path, text] of Object.entries(files)) if (!patches.has(path)) files[path] = withoutHelm(text);
  return files;
}

/** Files kustomization.yaml files use as `patches[].path` (patches, not resources: kept whole). */
function patchFiles(files: Record<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [path, text] of Object.entries(files)) {
    if (!path.endsWith('kustomization.yaml')) continue;
    const doc = parseAllDocuments(text)[0]?.toJS() as { patches?: { path?: string }[] } | undefined;
    for (const patch of doc?.patches ?? [])
      if (patch.path) out.add(posix.normalize(posix.join(posix.dirname(path), patch.path)));
  }
  return out;
}

function withoutHelm(text: string): string {
  const docs = parseAllDocuments(text);
  const kept = docs.filter((d) => !HELM_KINDS.has((d.toJS() as { kind?: string } | null)?.kind ?? ''));
  return kept.length === docs.length ? text : kept.map((d) => stringify(d.toJS())).join('---\n');
}

describe('flux-example a484a05-classic (staging), without Helm', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ extraCrds: [CLUSTER_ISSUER_CRD], argv: ['--requeue-dependency=1h'] });
  });
  afterAll(async () => h?.close());

  it('reconciles infrastructure then apps through dependsOn', async () => {
    await h.admin.create(NAMESPACES, { metadata: { name: 'flux-system' } });
    const revision = await h.publish('flux-system', 'flux-system', await repositoryFiles());
    await h.createKustomization('flux-system', 'flux-system', {
      interval: '10m0s',
      path: './clusters/staging',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    for (const name of ['flux-system', 'infra-controllers', 'infra-configs', 'apps'])
      await h.waitForKustomization('flux-system', name, readyAt(revision), `${name} Ready`, 60_000);
    for (const ns of ['cert-manager', 'ingress-nginx', 'podinfo']) {
      const namespace = await h.admin.get(NAMESPACES, undefined, ns);
      expect(namespace.metadata?.labels?.['toolkit.fluxcd.io/tenant']).toBeDefined();
    }
    const issuer = await h.admin.get(CLUSTER_ISSUERS, undefined, 'letsencrypt');
    expect((issuer.spec as { acme: { server: string } }).acme.server).toBe(
      'https://acme-staging-v02.api.letsencrypt.org/directory',
    );
    expect(issuer.metadata?.labels).toMatchObject({ 'kustomize.toolkit.fluxcd.io/name': 'infra-configs' });
    const root = await h.getKustomization('flux-system', 'flux-system');
    expect((root.status?.inventory as { entries: { id: string }[] }).entries.map((e) => e.id)).toEqual([
      'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_infra-configs_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_infra-controllers_kustomize.toolkit.fluxcd.io_Kustomization',
    ]);
  });
});
