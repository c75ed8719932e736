import * as age from 'age-encryption';
import * as openpgp from 'openpgp';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptSopsDocument,
  detectSopsFormat,
  encryptSopsDocument,
  formatForPath,
  isSopsEncrypted,
  SopsDecryptionError,
  SopsEncryptionError,
  type SopsFormat,
} from './index.js';

interface AgeKey {
  identity: string;
  recipient: string;
}
interface PgpKey {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

async function ageKey(): Promise<AgeKey> {
  const identity = await age.generateIdentity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}

async function pgpKey(passphrase?: string): Promise<PgpKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Flotilla test', email: 'test@example.com' }],
    passphrase,
    format: 'armored',
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { privateKey, publicKey, fingerprint: key.getFingerprint().toUpperCase() };
}

let alice: AgeKey;
let bob: AgeKey;
let carol: PgpKey;
let dave: PgpKey;

beforeAll(async () => {
  [alice, bob, carol, dave] = await Promise.all([ageKey(), ageKey(), pgpKey(), pgpKey()]);
});

async function rejection(promise: Promise<unknown>): Promise<SopsDecryptionError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SopsDecryptionError);
  return err as SopsDecryptionError;
}

const SECRET_YAML = `# Secret for the app
apiVersion: v1
kind: Secret
metadata:
    name: app
    namespace: default
type: Opaque
stringData:
    # the password
    password: hunter2
    port: 5432
    ratio: 0.75
    enabled: true
    hosts:
        - db-1
        - db-2
    empty: ""
    nothing: null
    nested:
        deep: value
`;

const DOCUMENTS: Record<Exclude<SopsFormat, 'binary'>, string> = {
  yaml: SECRET_YAML,
  json: '{\n\t"user": "admin",\n\t"password": "s3cr3t\\u003c\\u003e",\n\t"port": 5432,\n\t"ratio": 0.5,\n\t"tls": true,\n\t"tags": [\n\t\t"a",\n\t\t"b"\n\t],\n\t"empty": {},\n\t"none": null\n}\n',
  dotenv: '# database\nDB_USER=admin\nDB_PASSWORD=p@ss=word\nMULTI=line1\\nline2\n',
  ini: 'name = top\n\n[database]\nuser     = admin\npassword = secret\n\n',
};

describe('round trips', () => {
  for (const [format, text] of Object.entries(DOCUMENTS) as [SopsFormat, string][]) {
    it(`${format} with an age recipient`, async () => {
      const enc = await encryptSopsDocument(text, format, { ageRecipients: [alice.recipient] });
      expect(isSopsEncrypted(enc, format)).toBe(true);
      expect(detectSopsFormat(enc)).toBe(format);
      expect(enc).not.toContain('admin');
      expect(await decryptSopsDocument(enc, format, { age: [alice.identity] })).toBe(text);
    });

    it(`${format} with an OpenPGP key`, async () => {
      const enc = await encryptSopsDocument(text, format, { pgpPublicKeys: [carol.publicKey] });
      expect(enc).toContain(carol.fingerprint);
      expect(await decryptSopsDocument(enc, format, { pgp: [carol.privateKey] })).toBe(text);
    });
  }

  it('binary files, any bytes of text, through the JSON envelope', async () => {
    const text = 'line one\n\u00e9\u{1f600} {"not": "json"}\n\n';
    const enc = await encryptSopsDocument(text, 'binary', { ageRecipients: [alice.recipient] });
    const envelope = JSON.parse(enc) as { data: string; sops: { mac: string } };
    expect(envelope.data).toMatch(/^ENC\[AES256_GCM,.*type:str\]$/);
    expect(isSopsEncrypted(enc, 'binary')).toBe(true);
    expect(await decryptSopsDocument(enc, 'binary', { age: [alice.identity] })).toBe(text);
  });

  it('encrypts every YAML value with its type, keeps keys and structure, encrypts comments', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', { ageRecipients: [alice.recipient] });
    const doc = parseYaml(enc) as Record<string, Record<string, unknown>>;
    const data = doc['stringData']!;
    expect(data['port']).toMatch(/type:int\]$/);
    expect(data['ratio']).toMatch(/type:float\]$/);
    expect(data['enabled']).toMatch(/type:bool\]$/);
    expect(data['password']).toMatch(/type:str\]$/);
    expect((data['hosts'] as string[]).every((h) => h.startsWith('ENC['))).toBe(true);
    expect(data['empty']).toBe('');
    expect(data['nothing']).toBeNull();
    expect(enc).toMatch(/#ENC\[AES256_GCM,[^\]]*type:comment\]/);
    expect(enc).not.toContain('the password');
    const sops = doc['sops']!;
    expect(sops['unencrypted_suffix']).toBe('_unencrypted');
    expect(sops['lastmodified']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(enc).toMatch(/lastmodified: "\d{4}/);
    expect(sops['mac']).toMatch(/^ENC\[AES256_GCM,.*type:str\]$/);
    expect((sops['age'] as { recipient: string; enc: string }[])[0]).toMatchObject({
      recipient: alice.recipient,
      enc: expect.stringMatching(
        /^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\n$/,
      ),
    });
  });

  it('multi-document YAML: every document gets the metadata, all decrypt', async () => {
    const text = 'a: 1\n---\nb: two\n';
    const enc = await encryptSopsDocument(text, 'yaml', { ageRecipients: [alice.recipient] });
    const docs = parseAllDocuments(enc) as unknown as { toJS(): Record<string, unknown> }[];
    expect(docs).toHaveLength(2);
    expect(docs.every((d) => d.toJS()['sops'] !== undefined)).toBe(true);
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity] })).toBe(text);
  });

  it('several recipients of both kinds: any one key decrypts', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', {
      ageRecipients: [alice.recipient, bob.recipient],
      pgpPublicKeys: [carol.publicKey, dave.publicKey],
    });
    for (const keys of [
      { age: [bob.identity] },
      { pgp: [dave.privateKey] },
      { age: [alice.identity], pgp: [carol.privateKey] },
    ]) {
      expect(await decryptSopsDocument(enc, 'yaml', keys)).toBe(SECRET_YAML);
    }
  });

  it('an age key file with comments and several identities', async () => {
    const enc = await encryptSopsDocument('k: v\n', 'yaml', { ageRecipients: [bob.recipient] });
    const keyFile = `# created: today\n# public key: ${alice.recipient}\n${alice.identity}\n\n${bob.identity}\n`;
    expect(await decryptSopsDocument(enc, 'yaml', { age: [keyFile] })).toBe('k: v\n');
  });
});

describe('what is encrypted', () => {
  it('encrypted_regex leaves the rest in clear but under the MAC (the usual Flux setup)', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', {
      ageRecipients: [alice.recipient],
      encryptedRegex: '^(data|stringData)$',
    });
    const doc = parseYaml(enc) as Record<string, Record<string, unknown>>;
    expect(doc['metadata']!['name']).toBe('app');
    expect(doc['stringData']!['password']).toMatch(/^ENC\[/);
    expect(doc['sops']!['encrypted_regex']).toBe('^(data|stringData)$');
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity] })).toBe(SECRET_YAML);
    const renamed = enc.replace('name: app', 'name: evil');
    expect((await rejection(decryptSopsDocument(renamed, 'yaml', { age: [alice.identity] }))).reason).toBe(
      'MacMismatch',
    );
  });

  it('unencrypted_suffix keeps matching keys in clear', async () => {
    const text = 'user: admin\nhost_unencrypted: db.local\n';
    const enc = await encryptSopsDocument(text, 'yaml', { ageRecipients: [alice.recipient] });
    expect(enc).toContain('host_unencrypted: db.local');
    expect(enc).not.toContain('admin');
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity] })).toBe(text);
  });

  it('encrypted_suffix, unencrypted_regex and mac_only_encrypted', async () => {
    const text = 'token_secret: abc\nname: app\n';
    const bySuffix = await encryptSopsDocument(text, 'yaml', {
      ageRecipients: [alice.recipient],
      encryptedSuffix: '_secret',
    });
    expect(bySuffix).toContain('name: app');
    expect(bySuffix).toMatch(/token_secret: ENC\[/);
    const byRegex = await encryptSopsDocument(text, 'yaml', {
      ageRecipients: [alice.recipient],
      unencryptedRegex: '^name$',
      macOnlyEncrypted: true,
    });
    expect(byRegex).toContain('mac_only_encrypted: true');
    // With mac_only_encrypted the clear values are outside the MAC: changing one is allowed.
    const changed = byRegex.replace('name: app', 'name: other');
    expect(await decryptSopsDocument(changed, 'yaml', { age: [alice.identity] })).toBe(
      'token_secret: abc\nname: other\n',
    );
    expect(await decryptSopsDocument(bySuffix, 'yaml', { age: [alice.identity] })).toBe(text);
  });

  it('comment regexes choose values by the comment above them', async () => {
    const text = '# sops:enc\npassword: secret\nuser: admin\n';
    const enc = await encryptSopsDocument(text, 'yaml', {
      ageRecipients: [alice.recipient],
      encryptedCommentRegex: 'sops:enc',
    });
    expect(enc).toContain('user: admin');
    expect(enc).toContain('# sops:enc');
    expect(enc).toMatch(/password: ENC\[/);
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity] })).toBe(text);
  });

  it('refuses more than one selection rule and documents already encrypted', async () => {
    await expect(
      encryptSopsDocument('a: b\n', 'yaml', {
        ageRecipients: [alice.recipient],
        encryptedRegex: 'a',
        unencryptedSuffix: '_x',
      }),
    ).rejects.toThrow(SopsEncryptionError);
    const enc = await encryptSopsDocument('a: b\n', 'yaml', { ageRecipients: [alice.recipient] });
    await expect(encryptSopsDocument(enc, 'yaml', { ageRecipients: [alice.recipient] })).rejects.toThrow(
      /already/,
    );
    await expect(encryptSopsDocument('a: b\n', 'yaml', {})).rejects.toThrow(/no recipients/);
  });
});

describe('comments', () => {
  it('decrypts a comment that another parser places at a different level; keeps clear ones', async () => {
    const enc = await encryptSopsDocument('a:\n    # inner\n    b: 1\nc: 2\n', 'yaml', {
      ageRecipients: [alice.recipient],
    });
    const lines = enc.split('\n');
    const at = lines.findIndex((l) => l.startsWith('    #ENC['));
    const [comment] = lines.splice(at, 1);
    lines.splice(
      lines.findIndex((l) => l.startsWith('c: ')),
      0,
      comment!.trimStart(),
      '# written in clear',
    );
    const out = await decryptSopsDocument(lines.join('\n'), 'yaml', { age: [alice.identity] });
    expect(out).toBe('a:\n    b: 1\n# inner\n# written in clear\nc: 2\n');
  });
});

describe('flat stores', () => {
  it('INI: section and key comments are encrypted and come back above their key', async () => {
    const text = '; the database\n[db]\n; who connects\nuser = admin\nhost = db.local\n\n';
    const enc = await encryptSopsDocument(text, 'ini', { ageRecipients: [alice.recipient] });
    expect(enc).not.toContain('who connects');
    expect(enc).toMatch(/^; ENC\[AES256_GCM,.*type:comment\]$/m);
    expect(await decryptSopsDocument(enc, 'ini', { age: [alice.identity] })).toBe(text);
  });

  it('dotenv: blank lines are dropped, values keep = and spaces, newlines travel as \\n', async () => {
    const enc = await encryptSopsDocument('A=x = y\n\nB= spaced \nC=one\\ntwo\n', 'dotenv', {
      ageRecipients: [alice.recipient],
    });
    expect(enc).toMatch(/^sops_mac=ENC\[/m);
    expect(enc).toMatch(/^sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n/m);
    expect(await decryptSopsDocument(enc, 'dotenv', { age: [alice.identity] })).toBe(
      'A=x = y\nB= spaced \nC=one\\ntwo\n',
    );
  });
});

describe('Flux decryption paths', () => {
  it('decrypts a YAML-encrypted object after kustomize turned it into JSON', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', {
      ageRecipients: [alice.recipient],
      encryptedRegex: '^(data|stringData)$',
    });
    const asJson = JSON.stringify(parseYaml(enc));
    const out = await decryptSopsDocument(asJson, 'json', { age: [alice.identity] });
    expect(JSON.parse(out)).toEqual(parseYaml(SECRET_YAML));
  });

  it('writes the plaintext in the output format the file name asks for', async () => {
    const enc = await encryptSopsDocument('A=1\nB=two\n', 'dotenv', { ageRecipients: [alice.recipient] });
    expect(
      await decryptSopsDocument(enc, 'dotenv', { age: [alice.identity] }, { outputFormat: 'json' }),
    ).toBe('{\n\t"A": "1",\n\t"B": "two"\n}\n');
  });

  it('detects formats by marker and maps file names to formats', () => {
    expect(isSopsEncrypted('a: b\n', 'yaml')).toBe(false);
    expect(isSopsEncrypted('{"a": "b"}', 'json')).toBe(false);
    expect(detectSopsFormat('plain text')).toBeUndefined();
    expect(formatForPath('secrets/app.enc.yaml')).toBe('yaml');
    expect(formatForPath('a.yml')).toBe('yaml');
    expect(formatForPath('a.json')).toBe('json');
    expect(formatForPath('.env')).toBe('dotenv');
    expect(formatForPath('app.env')).toBe('dotenv');
    expect(formatForPath('app.ini')).toBe('ini');
    expect(formatForPath('tls.key')).toBe('binary');
  });
});

describe('errors', () => {
  it('a wrong age key names the recipients tried', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', { ageRecipients: [alice.recipient] });
    const err = await rejection(decryptSopsDocument(enc, 'yaml', { age: [bob.identity] }));
    expect(err.reason).toBe('NoMatchingKey');
    expect(err.message).toContain(alice.recipient);
  });

  it('a wrong OpenPGP key names the fingerprints tried', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', { pgpPublicKeys: [carol.publicKey] });
    const err = await rejection(decryptSopsDocument(enc, 'yaml', { pgp: [dave.privateKey] }));
    expect(err.reason).toBe('NoMatchingKey');
    expect(err.message).toContain(carol.fingerprint);
  });

  it('no keys at all, and a passphrase-protected key that cannot be used', async () => {
    const enc = await encryptSopsDocument('a: b\n', 'yaml', { ageRecipients: [alice.recipient] });
    expect((await rejection(decryptSopsDocument(enc, 'yaml', {}))).message).toMatch(/no age identity given/);
    const locked = await pgpKey('correct horse');
    const pgpEnc = await encryptSopsDocument('a: b\n', 'yaml', { pgpPublicKeys: [locked.publicKey] });
    const err = await rejection(decryptSopsDocument(pgpEnc, 'yaml', { pgp: [locked.privateKey] }));
    expect(err.reason).toBe('NoMatchingKey');
  });

  it('a malformed key is reported as such', async () => {
    const enc = await encryptSopsDocument('a: b\n', 'yaml', { ageRecipients: [alice.recipient] });
    expect((await rejection(decryptSopsDocument(enc, 'yaml', { age: ['AGE-SECRET-KEY-nope'] }))).reason).toBe(
      'InvalidKey',
    );
    expect((await rejection(decryptSopsDocument(enc, 'yaml', { pgp: ['not a key'] }))).reason).toBe(
      'InvalidKey',
    );
  });

  it('a changed ciphertext fails authentication; a removed value fails the MAC', async () => {
    const enc = await encryptSopsDocument('a: first\nb: second\n', 'yaml', {
      ageRecipients: [alice.recipient],
    });
    const lines = enc.split('\n');
    const swapped = lines.map((l) => (l.startsWith('a: ') ? `a: ${lines[1]!.slice(3)}` : l)).join('\n');
    const moved = await rejection(decryptSopsDocument(swapped, 'yaml', { age: [alice.identity] }));
    expect(moved.reason).toBe('ValueDecryptionFailed');
    expect(moved.message).toContain("'a'");
    const removed = lines.filter((l) => !l.startsWith('b: ')).join('\n');
    const mac = await rejection(decryptSopsDocument(removed, 'yaml', { age: [alice.identity] }));
    expect(mac.reason).toBe('MacMismatch');
    expect(mac.message).toMatch(/MAC mismatch/);
  });

  it('a document without sops metadata, or one that does not parse', async () => {
    for (const [text, format] of [
      ['a: b\n', 'yaml'],
      ['{"a": "b"}', 'json'],
      ['A=b\n', 'dotenv'],
      ['[s]\na = b\n', 'ini'],
    ] as const) {
      expect((await rejection(decryptSopsDocument(text, format, { age: [alice.identity] }))).reason).toBe(
        'MetadataNotFound',
      );
    }
    expect((await rejection(decryptSopsDocument('a: [', 'yaml', {}))).reason).toBe('InvalidDocument');
    expect((await rejection(decryptSopsDocument('[1, 2]', 'json', {}))).reason).toBe('InvalidDocument');
    expect((await rejection(decryptSopsDocument('no equals sign', 'dotenv', {}))).reason).toBe(
      'InvalidDocument',
    );
  });

  it('cloud KMS keys are reported as unsupported', async () => {
    const enc = await encryptSopsDocument('a: b\n', 'yaml', { ageRecipients: [alice.recipient] });
    const kmsOnly = enc.replace(
      / {4}age:\n(?: {8}.*\n)+/,
      '    kms:\n        - arn: arn:aws:kms:eu-west-1:1:key/x\n          enc: AQID\n          created_at: "2024-01-01T00:00:00Z"\n',
    );
    const kmsErr = await rejection(decryptSopsDocument(kmsOnly, 'yaml', { age: [alice.identity] }));
    expect(kmsErr.reason).toBe('NoMatchingKey');
    expect(kmsErr.message).toContain('kms arn:aws:kms:eu-west-1:1:key/x: key type not supported');
  });
});

describe('key groups (Shamir)', () => {
  it('splits the data key over groups; any threshold of them decrypts', async () => {
    const enc = await encryptSopsDocument(SECRET_YAML, 'yaml', {
      keyGroups: [
        { ageRecipients: [alice.recipient] },
        { pgpPublicKeys: [carol.publicKey] },
        { ageRecipients: [bob.recipient] },
      ],
      shamirThreshold: 2,
    });
    const sops = (parseYaml(enc) as { sops: Record<string, unknown> }).sops;
    expect(sops['shamir_threshold']).toBe(2);
    expect(sops['key_groups']).toHaveLength(3);
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity], pgp: [carol.privateKey] })).toBe(
      SECRET_YAML,
    );
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity, bob.identity] })).toBe(SECRET_YAML);
    const err = await rejection(decryptSopsDocument(enc, 'yaml', { age: [bob.identity] }));
    expect(err.reason).toBe('NoMatchingKey');
    expect(err.message).toContain('1 of the 2 needed');
    expect(err.message).toContain(alice.recipient);
  });

  it('without a threshold every group is needed', async () => {
    const enc = await encryptSopsDocument('a: b\n', 'yaml', {
      keyGroups: [{ ageRecipients: [alice.recipient] }, { ageRecipients: [bob.recipient] }],
    });
    expect(await decryptSopsDocument(enc, 'yaml', { age: [alice.identity, bob.identity] })).toBe('a: b\n');
    expect((await rejection(decryptSopsDocument(enc, 'yaml', { age: [alice.identity] }))).message).toContain(
      '1 of the 2 needed',
    );
  });
});
