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

// The controller watches the source kinds, so the process needs a cluster: the double with the
// Flux CRDs through $KUBECONFIG, and its artifact server on a free port (the child process
// inherits this process's environment).
let kube: KubeApiServer;
let dir: string;
beforeAll(async () => {
  kube = await startKubeApi({
    crds: allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>),
  });
  dir = await makeTempDir('source-controller-process');
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kube.kubeconfig(), { mode: 0o600 });
  process.env.KUBECONFIG = kubeconfig;
  process.env.FLOTILLA_STORAGE_ADDR = '127.0.0.1:0';
});
afterAll(async () => {
  delete process.env.KUBECONFIG;
  delete process.env.FLOTILLA_STORAGE_ADDR;
  await kube?.close();
  if (dir) await removeDir(dir);
});

describeServiceProcess('source-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)));
