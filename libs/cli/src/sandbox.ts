// The local sandbox cluster of `npm start`: our API-server double with every Flux CRD
// installed and the kubelet simulator on, and a kubeconfig so kubectl works against it.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { allKinds, crdFor } from '@flotilla/api';
import { startKubeApi, type KubeApiServer } from '@flotilla/testing/kube-api';

export interface SandboxCluster {
  readonly server: KubeApiServer;
  readonly kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startSandboxCluster(options: {
  kubeconfigPath: string;
  port?: number;
}): Promise<SandboxCluster> {
  const crds = allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>);
  // kubectl sends no bearer token over plain HTTP; the sandbox only listens on 127.0.0.1.
  const server = await startKubeApi({ port: options.port ?? 0, crds, kubelet: true, allowAnonymous: true });
  await mkdir(dirname(options.kubeconfigPath), { recursive: true });
  await server.writeKubeconfig(options.kubeconfigPath);
  return { server, kubeconfigPath: options.kubeconfigPath, stop: () => server.close() };
}
