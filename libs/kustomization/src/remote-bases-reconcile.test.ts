// Remote bases end to end: a Kustomization whose artifact points at a git URL applies the base
// fetched from a real git http-backend; with FLOTILLA_NO_REMOTE_BASES the build fails instead.
import { startGitHttpServer, type RunningGitHttpServer } from '@flotilla/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kustomizeSettings } from './definition.js';
import {
  CONFIG_MAPS,
  failedWith,
  readyAt,
  readyCondition,
  startHarness,
  type Harness,
} from './test-support/harness.js';

const source = { kind: 'GitRepository', name: 'repo' };

let git: RunningGitHttpServer;
let remoteBase: string;

beforeAll(async () => {
  git = await startGitHttpServer();
  const repo = await git.createRepo('bases', {
    files: {
      'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'base/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-remote\ndata:\n  origin: git\n',
    },
  });
  remoteBase = `${git.repoUrl('bases')}//base?ref=${repo.commit ?? 'main'}`;
});
afterAll(async () => git?.stop());

const artifactFiles = () => ({
  'app/kustomization.yaml': `resources:\n  - ${remoteBase}\n  - local.yaml\n`,
  'app/local.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  origin: artifact\n',
});

describe('Kustomization with a remote base', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('applies the base fetched from git together with the artifact', async () => {
    const ns = await h.namespace();
    const revision = await h.publish(ns, 'repo', artifactFiles());
    await h.createKustomization(ns, 'app', { sourceRef: source, path: './app', targetNamespace: ns });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'app Ready');
    const remote = await h.admin.get(CONFIG_MAPS, ns, 'from-remote');
    expect(remote.data).toEqual({ origin: 'git' });
    expect((await h.admin.get(CONFIG_MAPS, ns, 'local')).data).toEqual({ origin: 'artifact' });
  });
});

describe('Kustomization with remote bases switched off', () => {
  let h: Harness;
  beforeAll(async () => {
    const { noRemoteBases } = kustomizeSettings({ FLOTILLA_NO_REMOTE_BASES: 'true' });
    h = await startHarness({ controller: { noRemoteBases } });
  });
  afterAll(async () => h?.close());

  it('ends Ready=False BuildFailed saying remote bases are disabled', async () => {
    const ns = await h.namespace();
    const served = git.requests().length;
    await h.publish(ns, 'repo', artifactFiles());
    await h.createKustomization(ns, 'app', { sourceRef: source, path: './app', targetNamespace: ns });
    const failed = await h.waitForKustomization(ns, 'app', failedWith('BuildFailed'), 'BuildFailed');
    expect(readyCondition(failed)?.message).toContain(
      `remote bases are disabled: cannot load '${remoteBase}'`,
    );
    await expect(h.admin.get(CONFIG_MAPS, ns, 'local')).rejects.toThrow();
    // Nothing was asked of the git server.
    expect(git.requests()).toHaveLength(served);
  });
});
