// GitRepository over SSH against a private sshd: identity + known_hosts from the Secret with the
// host key checked (a wrong host key fails), and a missing known_hosts refused.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startGitSshServer, type RunningGitSshServer } from '@flotilla/testing';
import type { Artifact } from '../storage.js';
import {
  conditionOf,
  conditionTrue,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';

/** An ed25519 public key in OpenSSH form that no server holds. */
function strangerHostKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const raw = der.subarray(der.length - 32);
  const field = (data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), data]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')}`;
}

describe('GitRepository over SSH', () => {
  let h: SourceHarness;
  let ssh: RunningGitSshServer;
  let commit: string;

  const env = useSourceSuite({ ssh: () => startGitSshServer() });
  beforeAll(async () => {
    ({ h, ssh } = env);
    commit = (await ssh.createRepo('app', { files: { 'app.yaml': 'kind: ConfigMap\n' } })).commit as string;
  });

  const gitRepository = (namespace: string, name: string, secret: string) =>
    sourceManifest('GitRepository', namespace, name, {
      interval: '10m',
      url: ssh.repoUrl('app'),
      ref: { branch: 'main' },
      secretRef: { name: secret },
    });

  it('clones with the identity after checking the host key', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 'ssh', { identity: ssh.clientKey.privateKey, known_hosts: ssh.knownHosts });
    await h.create('GitRepository', gitRepository(ns, 'app', 'ssh'));
    const ready = await h.waitFor('GitRepository', ns, 'app', isReady);
    expect((ready.status?.artifact as Artifact).revision).toBe(`main@sha1:${commit}`);
  });

  it('refuses a server whose host key is not the one in known_hosts', async () => {
    const ns = await h.namespace();
    const wrong = `[127.0.0.1]:${ssh.port} ${strangerHostKey()}`;
    await h.secret(ns, 'ssh', { identity: ssh.clientKey.privateKey, known_hosts: wrong });
    await h.create('GitRepository', gitRepository(ns, 'app', 'ssh'));
    const failed = await h.waitFor('GitRepository', ns, 'app', conditionTrue('FetchFailed'));
    expect(conditionOf(failed, 'Ready')?.status).toBe('False');
    expect(conditionOf(failed, 'FetchFailed')?.message).toMatch(/host key/i);
    expect(failed.status?.artifact).toBeUndefined();
  });

  it('requires known_hosts (AuthenticationFailed)', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 'ssh', { identity: ssh.clientKey.privateKey });
    await h.create('GitRepository', gitRepository(ns, 'app', 'ssh'));
    await h.waitFor('GitRepository', ns, 'app', failedWith('AuthenticationFailed'));
  });
});
