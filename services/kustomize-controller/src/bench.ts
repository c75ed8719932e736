// `npm run bench:kustomize-controller`: 200 Kustomizations from 20 GitRepositories, each applying
// a Deployment, Service, ServiceAccount and ConfigMap, from a cold controller process to all
// Ready (with `wait: true`, so the kubelet simulator's Deployment status is waited for). The
// API-server double runs in this process; NATS and S3 (s3rver) are real servers; the controller
// is the built service (dist/main.js) in its own process, whose peak RSS (VmHWM) is reported.
// Flags: --sources N (20), --per-source N (10), --concurrent N (10), --qps N (200), --cpu-prof DIR
// (a V8 CPU profile of the controller process).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { allKinds, crdFor } from '@flotilla/api';
import {
  openArtifactStore,
  packEntries,
  readArtifactStoreConfig,
  type ArtifactStore,
} from '@flotilla/artifacts';
import { createNatsBus } from '@flotilla/bus';
import {
  createLogger,
  findCondition,
  KubeClient,
  type ApiObject,
  type Condition,
  type ResourceType,
} from '@flotilla/runtime';
import {
  freePort,
  makeTempDir,
  removeDir,
  startKubeApi,
  startNatsServer,
  startS3Server,
  startProcess,
} from '@flotilla/testing';

const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const GIT: ResourceType = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'GitRepository',
  plural: 'gitrepositories',
  namespaced: true,
};
const KS: ResourceType = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'Kustomization',
  plural: 'kustomizations',
  namespaced: true,
};

function appFiles(ns: string, app: string): Record<string, string> {
  const labels = `{ app: ${app} }`;
  return {
    [`${app}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: ${labels}\n  template:\n    metadata:\n      labels: ${labels}\n    spec:\n      serviceAccountName: ${app}\n      containers:\n        - name: app\n          image: ghcr.io/stefanprodan/podinfo:6.7.0\n          ports:\n            - containerPort: 9898\n          envFrom:\n            - configMapRef:\n                name: ${app}\n`,
    [`${app}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector: ${labels}\n  ports:\n    - port: 80\n      targetPort: 9898\n`,
    [`${app}/serviceaccount.yaml`]: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app}\n  namespace: ${ns}\n`,
    [`${app}/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}\n  namespace: ${ns}\ndata:\n  PODINFO_UI_MESSAGE: ${app}\n`,
  };
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

const isReady = (obj: ApiObject) =>
  findCondition((obj.status as { conditions?: Condition[] } | undefined)?.conditions, 'Ready')?.status ===
  'True';

/** Namespaces, GitRepositories with stored artifacts, and Kustomizations: everything but the controller. */
async function seed(
  admin: KubeClient,
  store: ArtifactStore,
  sources: number,
  perSource: number,
): Promise<void> {
  for (let s = 0; s < sources; s++) {
    const ns = `bench-${s}`;
    await admin.create(NAMESPACES, { metadata: { name: ns } });
    let files: Record<string, string> = {};
    for (let a = 0; a < perSource; a++) files = { ...files, ...appFiles(ns, `app-${a}`) };
    const sha = `${String(s).padStart(2, '0')}${'a'.repeat(38)}`;
    const path = `gitrepository/${ns}/repo/${sha}.tar.gz`;
    const stored = await store.put(path, packEntries(files));
    await admin.create(GIT, {
      metadata: { name: 'repo', namespace: ns },
      spec: { url: `https://example.com/${ns}.git`, interval: '10m' },
    });
    const artifact = {
      path,
      url: `http://source-controller/${path}`,
      revision: `main@sha1:${sha}`,
      digest: stored.digest,
      lastUpdateTime: '2026-01-01T00:00:00Z',
      size: stored.size,
    };
    await admin.patch(
      GIT,
      { namespace: ns, name: 'repo' },
      { status: { artifact } },
      { subresource: 'status' },
    );
    for (let a = 0; a < perSource; a++)
      await admin.create(KS, {
        metadata: { name: `app-${a}`, namespace: ns },
        spec: {
          interval: '10m',
          prune: true,
          wait: true,
          path: `./app-${a}`,
          sourceRef: { kind: 'GitRepository', name: 'repo' },
        },
      });
  }
}

/** Reconciles, their mean duration, API requests and CPU time of the controller process. */
async function controllerFigures(pid: number, metricsPort: number): Promise<string> {
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const sum = (pattern: RegExp) =>
    [...metrics.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  const count = sum(
    /^controller_runtime_reconcile_time_seconds_count\{controller="kustomization"\} (\S+)$/gm,
  );
  const seconds = sum(
    /^controller_runtime_reconcile_time_seconds_sum\{controller="kustomization"\} (\S+)$/gm,
  );
  const requests = sum(/^rest_client_requests_total\{[^}]*\} (\S+)$/gm);
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
  return `reconciles: ${count} (mean ${(seconds / Math.max(count, 1)).toFixed(2)} s), API requests: ${requests}, controller CPU: ${cpu.toFixed(1)} s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sources: { type: 'string', default: '20' },
      'per-source': { type: 'string', default: '10' },
      concurrent: { type: 'string', default: '10' },
      qps: { type: 'string', default: '200' },
      'cpu-prof': { type: 'string' },
    },
  });
  const sources = Number(values.sources);
  const perSource = Number(values['per-source']);
  const total = sources * perSource;
  const [kube, nats, s3] = await Promise.all([
    startKubeApi({
      crds: allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>),
      kubelet: { delayMs: 10 },
    }),
    startNatsServer(),
    startS3Server({ bucket: 'bench' }),
  ]);
  const dir = await makeTempDir('bench-kustomize');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kube.kubeconfig(), { mode: 0o600 });
  const env = {
    FLOTILLA_NATS_URL: nats.url,
    FLOTILLA_ARTIFACTS_BACKEND: 's3',
    FLOTILLA_S3_ENDPOINT: s3.endpoint,
    FLOTILLA_S3_BUCKET: 'bench',
    FLOTILLA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    FLOTILLA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const admin = KubeClient.create({ source: { text: kube.kubeconfig() }, qps: 0 });
  const store = await openArtifactStore(readArtifactStoreConfig(env));
  const bus = await createNatsBus(
    { servers: [nats.url] },
    { logger: createLogger({ name: 'bench', level: 'error' }) },
  );
  let controller: ReturnType<typeof startProcess> | undefined;
  try {
    await seed(admin, store, sources, perSource);
    const entry = fileURLToPath(new URL('./main.js', import.meta.url));
    const metricsPort = await freePort();
    const started = performance.now();
    controller = startProcess(
      process.execPath,
      [
        ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
        entry,
        '--health-addr=127.0.0.1:0',
        `--metrics-addr=127.0.0.1:${metricsPort}`,
        `--kubeconfig=${kubeconfig}`,
        `--concurrent=${values.concurrent}`,
        `--kube-api-qps=${values.qps}`,
        '--kube-api-burst=1000',
        '--log-level=error',
      ],
      { env: { ...process.env, ...env } },
    );
    let ready = 0;
    let peak = 0;
    const deadline = Date.now() + 600_000;
    while (ready < total) {
      if (Date.now() > deadline) throw new Error(`only ${ready}/${total} Ready after 10 minutes`);
      if (controller.child.exitCode !== null) throw new Error(`controller exited:\n${controller.output()}`);
      // Listing 200 Kustomizations costs the double (in this process) CPU: poll gently.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      peak = Math.max(peak, await peakRss(controller.child.pid as number).catch(() => 0));
      ready = (await admin.list(KS)).items.filter(isReady).length;
    }
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, await peakRss(controller.child.pid as number));
    console.log(
      `kustomizations: ${total} from ${sources} GitRepositories, 4 objects each (${total * 4} objects), wait: true`,
    );
    console.log(
      `controller flags: --concurrent=${values.concurrent} --kube-api-qps=${values.qps} --kube-api-burst=1000`,
    );
    console.log(
      `time to all Ready: ${seconds.toFixed(1)} s (${(total / seconds).toFixed(1)} Kustomizations/s)`,
    );
    console.log(`controller peak RSS: ${(peak / 1024 / 1024).toFixed(0)} MiB`);
    console.log(await controllerFigures(controller.child.pid as number, metricsPort));
    console.log(
      `all ${total} Ready in ${seconds.toFixed(1)} s, peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`,
    );
  } finally {
    await controller?.stop();
    await bus.close();
    await store.close();
    admin.close();
    await Promise.all([kube.close(), nats.stop(), s3.stop()]);
    await removeDir(dir);
  }
}

await main();
