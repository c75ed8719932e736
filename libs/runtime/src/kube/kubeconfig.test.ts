import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, renderKubeconfig } from '@flotilla/testing';
import { KubeConfigError } from './errors.js';
import { loadKubeConfig, SERVICE_ACCOUNT_DIR } from './kubeconfig.js';

const config = (server: string, namespace = 'default') =>
  renderKubeconfig({ server, token: 't', namespace, name: server.replace(/\W/g, '-') });

describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('kubeconfig');
    await writeFile(join(dir, 'flag.yaml'), config('http://127.0.0.1:1001'));
    await writeFile(join(dir, 'env.yaml'), config('http://127.0.0.1:1002'));
    await mkdir(join(dir, 'home', '.kube'), { recursive: true });
    await writeFile(join(dir, 'home', '.kube', 'config'), config('http://127.0.0.1:1003'));
    const sa = join(dir, 'root', SERVICE_ACCOUNT_DIR);
    await mkdir(sa, { recursive: true });
    await writeFile(join(sa, 'token'), 'service-account-token');
    await writeFile(join(sa, 'namespace'), 'flux-system\n');
    await writeFile(join(sa, 'ca.crt'), '');
  });
  afterAll(async () => removeDir(dir));

  const server = (source: Parameters<typeof loadKubeConfig>[0]) => {
    const { kubeConfig, origin } = loadKubeConfig(source);
    return { origin, server: kubeConfig.getCurrentCluster()?.server };
  };

  it('prefers the --kubeconfig path, then KUBECONFIG, then in-cluster, then ~/.kube/config', () => {
    const env = {
      KUBECONFIG: join(dir, 'env.yaml'),
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      HOME: join(dir, 'home'),
    };
    const root = join(dir, 'root');
    expect(server({ path: join(dir, 'flag.yaml'), env, serviceAccountRoot: root })).toEqual({
      origin: 'path',
      server: 'http://127.0.0.1:1001',
    });
    expect(server({ env, serviceAccountRoot: root })).toEqual({
      origin: 'KUBECONFIG',
      server: 'http://127.0.0.1:1002',
    });
    const { KUBECONFIG: _unused, ...inCluster } = env;
    expect(server({ env: inCluster, serviceAccountRoot: root })).toEqual({
      origin: 'in-cluster',
      server: 'https://10.0.0.1:443',
    });
    expect(server({ env: { HOME: join(dir, 'home') } })).toEqual({
      origin: 'home',
      server: 'http://127.0.0.1:1003',
    });
  });

  it('uses the service account token file and namespace in-cluster', async () => {
    const { kubeConfig } = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      serviceAccountRoot: join(dir, 'root'),
    });
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://[fd00::1]:6443');
    expect(kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace).toBe('flux-system');
    const options: { headers?: Record<string, unknown> } = {};
    await kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers?.Authorization).toBe('Bearer service-account-token');
  });

  it('merges the files listed in KUBECONFIG', () => {
    const env = { KUBECONFIG: [join(dir, 'env.yaml'), join(dir, 'flag.yaml')].join(':') };
    const { kubeConfig } = loadKubeConfig({ env });
    expect(
      kubeConfig
        .getClusters()
        .map((c) => c.server)
        .sort(),
    ).toEqual(['http://127.0.0.1:1001', 'http://127.0.0.1:1002']);
    expect(kubeConfig.getCurrentCluster()?.server).toBe('http://127.0.0.1:1002');
  });

  it('fails with KubeConfigError when nothing is configured or the file is unusable', () => {
    expect(() => loadKubeConfig({ env: { HOME: join(dir, 'nowhere') } })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ path: join(dir, 'missing.yaml'), env: {} })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ text: config('http://127.0.0.1:1'), context: 'other' })).toThrow(
      KubeConfigError,
    );
    expect(() =>
      loadKubeConfig({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, serviceAccountRoot: join(dir, 'none') }),
    ).toThrow(/service account token/);
  });
});
