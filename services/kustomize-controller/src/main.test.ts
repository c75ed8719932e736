import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { allKinds, crdFor } from '@flotilla/api';
import {
  describeServiceProcess,
  makeTempDir,
  removeDir,
  startKubeApi,
  type KubeApiServer,
} from '@flotilla/testing';

// The controller watches Kustomizations, so the process needs a cluster: the double, with the
// Flux CRDs, through $KUBECONFIG (the child process inherits this process's environment).
let kube: KubeApiServer;
let dir: string;
beforeAll(async () => {
  kube = await startKubeApi({
    crds: allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>),
  });
  dir = await makeTempDir('kustomize-controller-process');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kube.kubeconfig(), { mode: 0o600 });
  process.env.KUBECONFIG = kubeconfig;
});
afterAll(async () => {
  delete process.env.KUBECONFIG;
  await kube?.close();
  if (dir) await removeDir(dir);
});

describeServiceProcess('kustomize-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)));
