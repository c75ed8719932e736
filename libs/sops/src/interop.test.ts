// Interoperability: documents built by hand from the SOPS format rules (node:crypto, no code of
// this library) must decrypt, and the data keys this library writes must open with the real
// `age` and `gpg` tools, which is what sops itself runs on.
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as age from 'age-encryption';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSopsDocument, encryptSopsDocument } from './index.js';

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sops-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One value in the SOPS envelope, built directly from the format's rules. */
function seal(plaintext: string, key: Buffer, aad: string, type: string): string {
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const b = (x: Buffer) => x.toString('base64');
  return `ENC[AES256_GCM,data:${b(data)},iv:${b(iv)},tag:${b(cipher.getAuthTag())},type:${type}]`;
}

function open(envelope: string, key: Buffer, aad: string): string {
  const m = /data:([^,]*),iv:([^,]*),tag:([^,]*),type:/.exec(envelope)!;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2]!, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(m[3]!, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(m[1]!, 'base64')), decipher.final()]).toString();
}

const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));

/**
 * A hand-made sops YAML file: `db: {user: admin, port: 5432}`, `debug: true`, with the MAC the
 * format defines (sha512 over "admin", "5432", "True", uppercase hex, AAD = lastmodified).
 */
function handMadeYaml(dataKey: Buffer, keyBlock: string): { text: string; plain: string } {
  const lastModified = '2024-03-04T05:06:07Z';
  const mac = createHash('sha512').update('admin').update('5432').update('True').digest('hex').toUpperCase();
  const text = [
    'db:',
    `    user: ${seal('admin', dataKey, 'db:user:', 'str')}`,
    `    port: ${seal('5432', dataKey, 'db:port:', 'int')}`,
    `debug: ${seal('True', dataKey, 'debug:', 'bool')}`,
    'sops:',
    keyBlock,
    `    lastmodified: "${lastModified}"`,
    `    mac: ${seal(mac, dataKey, lastModified, 'str')}`,
    '    unencrypted_suffix: _unencrypted',
    '    version: 3.8.1',
    '',
  ].join('\n');
  return { text, plain: 'db:\n    user: admin\n    port: 5432\ndebug: true\n' };
}

function ageBlock(recipient: string, armored: string): string {
  return `    age:\n        - recipient: ${recipient}\n          enc: |\n${indent(armored, 14)}`.trimEnd();
}

describe('hand-made documents', () => {
  it('decrypts a document built from the format rules (age data key via age-encryption)', async () => {
    const identity = await age.generateIdentity();
    const recipient = await age.identityToRecipient(identity);
    const dataKey = randomBytes(32);
    const e = new age.Encrypter();
    e.addRecipient(recipient);
    const armored = age.armor.encode(await e.encrypt(dataKey));
    const { text, plain } = handMadeYaml(dataKey, ageBlock(recipient, armored));
    expect(await decryptSopsDocument(text, 'yaml', { age: [identity] })).toBe(plain);
    // The same document re-serialised as JSON (what Flux decrypts after a kustomize build).
    const out = await decryptSopsDocument(JSON.stringify(parseYaml(text)), 'json', { age: [identity] });
    expect(JSON.parse(out)).toEqual({ db: { user: 'admin', port: 5432 }, debug: true });
  });
});

describe.skipIf(!has('age'))('the age command line tool', () => {
  let identity: string;
  let recipient: string;
  beforeAll(() => {
    execFileSync('age-keygen', ['-o', join(dir, 'age.key')], { stdio: 'ignore' });
    const keyFile = execFileSync('cat', [join(dir, 'age.key')]).toString();
    identity = keyFile.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    recipient = execFileSync('age-keygen', ['-y', join(dir, 'age.key')])
      .toString()
      .trim();
  });

  it('opens the data key we write, and that key opens the MAC', async () => {
    const enc = await encryptSopsDocument('a: x\nb: 2\n', 'yaml', { ageRecipients: [recipient] });
    const sops = (parseYaml(enc) as { sops: { age: { enc: string }[]; mac: string; lastmodified: string } })
      .sops;
    writeFileSync(join(dir, 'datakey.age'), sops.age[0]!.enc);
    const dataKey = execFileSync('age', ['-d', '-i', join(dir, 'age.key'), join(dir, 'datakey.age')]);
    expect(dataKey).toHaveLength(32);
    const expected = createHash('sha512').update('x').update('2').digest('hex').toUpperCase();
    expect(open(sops.mac, dataKey, sops.lastmodified)).toBe(expected);
  });

  it('decrypts a document whose data key was encrypted by age', async () => {
    const dataKey = randomBytes(32);
    const armored = execFileSync('age', ['-e', '-a', '-r', recipient], { input: dataKey }).toString();
    const { text, plain } = handMadeYaml(dataKey, ageBlock(recipient, armored));
    expect(await decryptSopsDocument(text, 'yaml', { age: [identity] })).toBe(plain);
  });
});

describe.skipIf(!has('gpg'))('GnuPG (what sops uses for pgp keys)', () => {
  const home = join(dir, 'gnupg');
  let fingerprint: string;
  let secretKey: string;
  let publicKey: string;
  const gpg = (args: string[], input?: Buffer | string) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--yes', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'ignore'],
    });

  // gpg starts an agent for its home directory; stop it with the suite.
  afterAll(() => execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' }));

  beforeAll(() => {
    execFileSync('mkdir', ['-m', '700', '-p', home]);
    gpg([
      '--passphrase',
      '',
      '--quick-gen-key',
      'Flotilla Test <test@example.com>',
      'ed25519',
      'default',
      'never',
    ]);
    fingerprint = gpg(['--list-keys', '--with-colons'])
      .toString()
      .match(/^fpr:+([0-9A-F]{40}):/m)![1]!;
    gpg(['--passphrase', '', '--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']);
    secretKey = gpg([
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--armor',
      '--export-secret-keys',
      fingerprint,
    ]).toString();
    publicKey = gpg(['--armor', '--export', fingerprint]).toString();
  });

  it('gpg opens the data key we encrypt for its key', async () => {
    const enc = await encryptSopsDocument('a: x\n', 'yaml', { pgpPublicKeys: [publicKey] });
    const sops = (
      parseYaml(enc) as { sops: { pgp: { enc: string; fp: string }[]; mac: string; lastmodified: string } }
    ).sops;
    expect(sops.pgp[0]!.fp).toBe(fingerprint);
    const dataKey = gpg(['--decrypt'], sops.pgp[0]!.enc);
    expect(dataKey).toHaveLength(32);
    const expected = createHash('sha512').update('x').digest('hex').toUpperCase();
    expect(open(sops.mac, dataKey, sops.lastmodified)).toBe(expected);
  });

  it('decrypts a document whose data key gpg encrypted, with the exported secret key', async () => {
    const dataKey = randomBytes(32);
    const armored = gpg(
      ['--trust-model', 'always', '--encrypt', '--armor', '-r', fingerprint],
      dataKey,
    ).toString();
    const block = `    pgp:\n        - created_at: "2024-03-04T05:06:07Z"\n          enc: |\n${indent(armored, 14).trimEnd()}\n          fp: ${fingerprint}`;
    const { text, plain } = handMadeYaml(dataKey, block);
    expect(await decryptSopsDocument(text, 'yaml', { pgp: [secretKey] })).toBe(plain);
  });
});
