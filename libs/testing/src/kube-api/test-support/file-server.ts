// The kube-api server one test file runs against, and the raw client its tests talk through.
import { afterAll } from 'vitest';
import { startKubeApi, type KubeApiServer, type KubeApiServerOptions } from '../server.js';
import { RawClient, uniqueName } from './raw-client.js';

export interface FileKubeApi {
  readonly server: KubeApiServer;
  readonly raw: RawClient;
}

/** Starts a server for the calling test file; it and the client's watches close after the file's tests. */
export async function startFileKubeApi(options?: KubeApiServerOptions): Promise<FileKubeApi> {
  const server = await startKubeApi(options);
  const raw = new RawClient(server);
  afterAll(async () => {
    raw.closeAll();
    await server.close();
  });
  return { server, raw };
}

/** Creates a namespace with a fresh name (`prefix-…`) and returns the name. */
export async function createNamespace(raw: RawClient, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await raw.post('/api/v1/namespaces', { metadata: { name } });
  return name;
}
