// Master keys: the 32-byte data key is encrypted once per age recipient (an armored age file)
// and once per OpenPGP key (an armored PGP message), as sops' age and pgp key sources do.
import { randomBytes } from 'node:crypto';
import * as age from 'age-encryption';
import * as openpgp from 'openpgp';
import { SopsDecryptionError, SopsEncryptionError } from './errors.js';
import type { AgeKeyEntry, KeyGroup, PgpKeyEntry } from './metadata.js';
import { shamirCombine, shamirSplit } from './shamir.js';

/** Private keys that may decrypt a document's data key. */
export interface SopsKeys {
  /** age X25519 identities (`AGE-SECRET-KEY-1…`); an entry may hold several lines, `#` comments allowed. */
  age?: string[];
  /** Armored OpenPGP private keys without a passphrase; an entry may hold a whole keyring. */
  pgp?: string[];
}

export const DATA_KEY_SIZE = 32;

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_SIZE));
}

/** Splits key files into single identities, like age.ParseIdentities (blank and `#` lines skipped). */
export function ageIdentities(entries: string[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    for (const raw of entry.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) {
        throw new SopsDecryptionError(
          'InvalidKey',
          'malformed age identity: expected a line starting AGE-SECRET-KEY-1',
        );
      }
      out.push(line);
    }
  }
  return out;
}

async function ageDecrypt(
  entries: AgeKeyEntry[],
  identities: string[],
  failures: string[],
): Promise<Uint8Array | undefined> {
  if (entries.length === 0) return undefined;
  if (identities.length === 0) {
    failures.push(...entries.map((e) => `age ${e.recipient}: no age identity given`));
    return undefined;
  }
  const decrypter = new age.Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  for (const entry of entries) {
    try {
      return await decrypter.decrypt(age.armor.decode(entry.enc), 'uint8array');
    } catch (err) {
      failures.push(`age ${entry.recipient}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

async function readPrivateKeys(armored: string[]): Promise<openpgp.PrivateKey[]> {
  const keys: openpgp.PrivateKey[] = [];
  for (const text of armored) {
    try {
      keys.push(...(await openpgp.readPrivateKeys({ armoredKeys: text })));
    } catch (err) {
      throw new SopsDecryptionError(
        'InvalidKey',
        `malformed OpenPGP private key: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  // Keys that still need a passphrase cannot be used: Flux imports keyrings without one.
  return keys.filter((k) => k.isDecrypted());
}

async function pgpDecrypt(
  entries: PgpKeyEntry[],
  keys: openpgp.PrivateKey[],
  failures: string[],
): Promise<Uint8Array | undefined> {
  for (const entry of entries) {
    if (keys.length === 0) {
      failures.push(`pgp ${entry.fp}: no OpenPGP private key given`);
      continue;
    }
    try {
      const message = await openpgp.readMessage({ armoredMessage: entry.enc });
      const { data } = await openpgp.decrypt({ message, decryptionKeys: keys, format: 'binary' });
      return data;
    } catch (err) {
      failures.push(`pgp ${entry.fp}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

function otherKeys(group: KeyGroup, failures: string[]): void {
  for (const key of group.other) failures.push(`${key.kind} ${key.id}: key type not supported`);
}

interface PreparedKeys {
  identities: string[];
  pgp: openpgp.PrivateKey[];
}

/** Decrypts one group's data key (or Shamir share), age before OpenPGP as sops does. */
async function decryptGroup(
  group: KeyGroup,
  keys: PreparedKeys,
  failures: string[],
): Promise<Uint8Array | undefined> {
  const part =
    (await ageDecrypt(group.age, keys.identities, failures)) ??
    (await pgpDecrypt(group.pgp, keys.pgp, failures));
  if (!part) otherKeys(group, failures);
  return part;
}

function noMatchingKey(failures: string[], detail = ''): SopsDecryptionError {
  return new SopsDecryptionError(
    'NoMatchingKey',
    `failed to get the data key required to decrypt the SOPS document: none of the given keys matches its recipients${detail} (${failures.join('; ')})`,
  );
}

async function combineGroups(
  groups: KeyGroup[],
  keys: PreparedKeys,
  threshold: number | undefined,
): Promise<Uint8Array> {
  const failures: string[] = [];
  const parts: Uint8Array[] = [];
  for (const [i, group] of groups.entries()) {
    const groupFailures: string[] = [];
    const part = await decryptGroup(group, keys, groupFailures);
    if (part) parts.push(part);
    else failures.push(`key group ${i + 1}: ${groupFailures.join('; ')}`);
  }
  const needed = threshold && threshold > 0 ? threshold : groups.length;
  if (parts.length < needed) {
    throw noMatchingKey(failures, ` in enough key groups (${parts.length} of the ${needed} needed)`);
  }
  try {
    return shamirCombine(parts);
  } catch (err) {
    throw new SopsDecryptionError(
      'InvalidKey',
      `could not combine the key groups' shares: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Recovers the data key from the metadata's key groups (Shamir shares when there are several). */
export async function decryptDataKey(
  groups: KeyGroup[],
  keys: SopsKeys,
  threshold?: number,
): Promise<Uint8Array> {
  const prepared = { identities: ageIdentities(keys.age ?? []), pgp: await readPrivateKeys(keys.pgp ?? []) };
  let dataKey: Uint8Array | undefined;
  if (groups.length > 1) dataKey = await combineGroups(groups, prepared, threshold);
  else {
    const failures: string[] = [];
    dataKey = groups[0] && (await decryptGroup(groups[0], prepared, failures));
    if (!dataKey) throw noMatchingKey(failures);
  }
  if (dataKey.length !== DATA_KEY_SIZE) {
    throw new SopsDecryptionError(
      'InvalidKey',
      `decrypted data key has ${dataKey.length} bytes, expected ${DATA_KEY_SIZE}`,
    );
  }
  return dataKey;
}

/** Master keys of one key group, for encryption. */
export interface Recipients {
  age?: string[];
  pgp?: string[];
}

/**
 * Encrypts the data key for every group: the whole key when there is one group, otherwise a
 * Shamir share per group, `threshold` (default: all) of which recover it.
 */
export async function encryptKeyGroups(
  dataKey: Uint8Array,
  groups: Recipients[],
  threshold?: number,
): Promise<KeyGroup[]> {
  if (groups.length <= 1) return [await encryptDataKey(dataKey, groups[0] ?? {})];
  let parts: Uint8Array[];
  try {
    parts = shamirSplit(dataKey, groups.length, threshold ?? groups.length);
  } catch (err) {
    throw new SopsEncryptionError(
      `cannot split the data key over ${groups.length} key groups: ${(err as Error).message}`,
    );
  }
  return Promise.all(groups.map((group, i) => encryptDataKey(parts[i]!, group)));
}

/** Encrypts the data key (or share) for each age recipient and OpenPGP public key. */
export async function encryptDataKey(dataKey: Uint8Array, recipients: Recipients): Promise<KeyGroup> {
  const group: KeyGroup = { age: [], pgp: [], other: [] };
  for (const recipient of recipients.age ?? []) {
    try {
      const encrypter = new age.Encrypter();
      encrypter.addRecipient(recipient);
      group.age.push({ recipient, enc: age.armor.encode(await encrypter.encrypt(dataKey)) });
    } catch (err) {
      throw new SopsEncryptionError(
        `cannot encrypt the data key for age recipient ${recipient}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  for (const armoredKey of recipients.pgp ?? []) {
    const key = await openpgp.readKey({ armoredKey }).catch((err: Error) => {
      throw new SopsEncryptionError(`malformed OpenPGP public key: ${err.message}`, { cause: err });
    });
    const message = await openpgp.createMessage({ binary: dataKey });
    const enc = await openpgp.encrypt({ message, encryptionKeys: key, format: 'armored' });
    group.pgp.push({ fp: key.getFingerprint().toUpperCase(), enc, created_at: rfc3339(new Date()) });
  }
  if (group.age.length + group.pgp.length === 0) {
    throw new SopsEncryptionError('no recipients: give at least one age recipient or OpenPGP public key');
  }
  return group;
}

/** Go's time.Format(time.RFC3339) of a UTC time. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The decryption Secret's entries sorted as Flux does, plus the entries it cannot use. */
export interface SecretKeys extends Required<SopsKeys> {
  /** Data keys naming credentials for cloud KMS or Vault, which this library does not use. */
  unsupported: string[];
}

const AGE_EXT = '.agekey';
const PGP_EXT = '.asc';
const KMS_ENTRIES = new Set(['sops.aws-kms', 'sops.azure-kv', 'sops.gcp-kms', 'sops.vault-token']);

/**
 * Sorts a decryption Secret's data (base64 values) as Flux's kustomize-controller does:
 * `*.agekey` entries are age identity files, `*.asc` entries armored OpenPGP private keys.
 */
export function keysFromSecretData(data: Record<string, string>): SecretKeys {
  const keys: SecretKeys = { age: [], pgp: [], unsupported: [] };
  for (const name of Object.keys(data).sort()) {
    const text = Buffer.from(data[name] ?? '', 'base64').toString('utf8');
    if (name.endsWith(AGE_EXT)) {
      try {
        keys.age.push(...ageIdentities([text]));
      } catch (err) {
        throw new SopsDecryptionError(
          'InvalidKey',
          `failed to import '${name}' data from the decryption Secret: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    } else if (name.endsWith(PGP_EXT)) keys.pgp.push(text);
    else if (KMS_ENTRIES.has(name)) keys.unsupported.push(name);
  }
  return keys;
}
