import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '@flotilla/testing';
import { startSandboxCluster, type SandboxCluster } from './sandbox.js';

// kubectl runs asynchronously: the double answers from this same event loop.
function kubectlWith(
  kubeconfig: string,
  args: string[],
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('sandbox cluster', () => {
  let dir: string;
  let sandbox: SandboxCluster;
  beforeAll(async () => {
    dir = await makeTempDir('sandbox');
    sandbox = await startSandboxCluster({ kubeconfigPath: join(dir, 'kubeconfig') });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await removeDir(dir);
  });
  /** kubectl apply of one object, sent on stdin; client-side validation off so the server judges. */
  const kubectlApply = (object: Record<string, unknown>) =>
    kubectlWith(sandbox.kubeconfigPath, ['apply', '--validate=false', '-f', '-'], JSON.stringify(object));

  it('serves every Flux kind, and kubectl works with the written kubeconfig', async () => {
    const kubectl = (...args: string[]) => kubectlWith(sandbox.kubeconfigPath, args);
    const resources = await kubectl('api-resources', '--api-group=kustomize.toolkit.fluxcd.io', '-o', 'name');
    expect(resources.stderr).toBe('');
    expect(resources.stdout.trim()).toBe('kustomizations.kustomize.toolkit.fluxcd.io');
    const created = await kubectlApply({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'podinfo', namespace: 'default' },
      spec: { url: 'https://github.com/stefanprodan/podinfo', interval: '1m', ref: { branch: 'master' } },
    });
    expect(created.status, created.stderr).toBe(0);
    expect((await kubectl('get', 'gitrepo', 'podinfo', '-o', 'jsonpath={.spec.ref.branch}')).stdout).toBe(
      'master',
    );
  });

  it('rejects a Flux object that breaks its CRD schema, naming the field', async () => {
    const result = await kubectlApply({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'default' },
      spec: { interval: 'often', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('spec.interval');
  });
});
