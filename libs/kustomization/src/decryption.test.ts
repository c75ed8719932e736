// SOPS decryption end to end with @flotilla/sops plugged into the reconciler: age-encrypted
// Secrets and secretGenerator env files are applied in plaintext; a wrong key fails the build
// with a clear message and applies nothing.
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSopsDocument, encryptSopsDocument } from '@flotilla/sops';
import { readyAt, readyCondition, SECRETS, startHarness, type Harness } from './test-support/harness.js';

describe('SOPS decryption', () => {
  let h: Harness;
  let identity: string;
  let recipient: string;
  beforeAll(async () => {
    [h, identity] = await Promise.all([
      startHarness({ controller: { decrypt: decryptSopsDocument } }),
      generateIdentity(),
    ]);
    recipient = await identityToRecipient(identity);
  });
  afterAll(async () => h?.close());

  const secretYaml = (ns: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: hunter2\n`;

  async function keySecret(ns: string, key: string): Promise<void> {
    await h.admin.create(SECRETS, {
      metadata: { name: 'sops-age', namespace: ns },
      data: { 'age.agekey': Buffer.from(`# created: now\n${key}\n`).toString('base64') },
    });
  }

  it('decrypts an encrypted Secret manifest and a secretGenerator env file', async () => {
    const ns = await h.namespace();
    await keySecret(ns, identity);
    const secret = await encryptSopsDocument(secretYaml(ns), 'yaml', {
      ageRecipients: [recipient],
      encryptedRegex: '^(data|stringData)$',
    });
    const env = await encryptSopsDocument('API_TOKEN=abc123\n', 'dotenv', { ageRecipients: [recipient] });
    const revision = await h.publish(ns, 'repo', {
      'kustomization.yaml': `namespace: ${ns}\nresources:\n  - secret.yaml\nsecretGenerator:\n  - name: generated\n    envs:\n      - api.env\ngeneratorOptions:\n  disableNameSuffixHash: true\n`,
      'secret.yaml': secret,
      'api.env': env,
    });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
    });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'decrypted and applied');
    const db = await h.admin.get(SECRETS, ns, 'db');
    expect(Buffer.from((db.data as Record<string, string>).password ?? '', 'base64').toString()).toBe(
      'hunter2',
    );
    expect(db).not.toHaveProperty('sops');
    const generated = await h.admin.get(SECRETS, ns, 'generated');
    expect(Buffer.from((generated.data as Record<string, string>).API_TOKEN ?? '', 'base64').toString()).toBe(
      'abc123',
    );
  });

  it('a Secret encrypted for another key fails with a decryption error and nothing applied', async () => {
    const ns = await h.namespace();
    await keySecret(ns, await generateIdentity());
    const secret = await encryptSopsDocument(secretYaml(ns), 'yaml', {
      ageRecipients: [recipient],
      encryptedRegex: '^(data|stringData)$',
    });
    await h.publish(ns, 'repo', { 'secret.yaml': secret });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
    });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'BuildFailed',
      'BuildFailed',
    );
    expect(readyCondition(obj)?.message).toContain(`decryption failed for 'Secret/${ns}/db'`);
    await expect(h.admin.get(SECRETS, ns, 'db')).rejects.toMatchObject({ status: 404 });
  });

  it('an encrypted Secret without decryption configured is refused', async () => {
    const ns = await h.namespace();
    const secret = await encryptSopsDocument(secretYaml(ns), 'yaml', {
      ageRecipients: [recipient],
      encryptedRegex: '^(data|stringData)$',
    });
    await h.publish(ns, 'repo', { 'secret.yaml': secret });
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' } });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'BuildFailed',
      'BuildFailed',
    );
    expect(readyCondition(obj)?.message).toContain('is SOPS encrypted, configuring decryption is required');
  });
});
