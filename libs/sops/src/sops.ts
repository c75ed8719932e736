// The library's entry points: decrypt a SOPS document with age/OpenPGP keys, encrypt one (for
// fixtures and the CLI), and recognise encrypted documents the way Flux does.
import { decryptValue, encryptValue } from './cipher.js';
import { SopsDecryptionError, SopsEncryptionError } from './errors.js';
import {
  decryptDataKey,
  encryptKeyGroups,
  newDataKey,
  rfc3339,
  type Recipients,
  type SopsKeys,
} from './keys.js';
import {
  DEFAULT_UNENCRYPTED_SUFFIX,
  normalizeTimestamp,
  type EncryptionRules,
  type SopsMetadata,
} from './metadata.js';
import { dotenvStore } from './stores/dotenv.js';
import { iniStore } from './stores/ini.js';
import { binaryStore, jsonStore } from './stores/json.js';
import type { Store } from './stores/store.js';
import { yamlStore } from './stores/yaml.js';
import { decryptTree, encryptTree } from './walk.js';

export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/** The sops version written into the metadata of documents we encrypt. */
export const SOPS_VERSION = '3.9.4';

const STORES: Record<SopsFormat, Store> = {
  yaml: yamlStore,
  json: jsonStore,
  dotenv: dotenvStore,
  ini: iniStore,
  binary: binaryStore,
};

function storeFor(format: SopsFormat): Store {
  const store = STORES[format];
  if (!store)
    throw new SopsDecryptionError('InvalidDocument', `unknown SOPS format ${JSON.stringify(format)}`);
  return store;
}

/** The strings Flux's kustomize-controller looks for to tell that a Secret value is SOPS-encrypted. */
const MARKERS: Record<SopsFormat, RegExp> = {
  yaml: /mac: ENC\[/,
  json: /"mac": ?"ENC\[/,
  binary: /"mac": ?"ENC\[/,
  dotenv: /sops_mac=ENC\[/,
  ini: /\[sops\]/,
};

/** Whether `text` carries the SOPS marker of `format` (the check Flux makes before decrypting). */
export function isSopsEncrypted(text: string, format: SopsFormat): boolean {
  return MARKERS[format]?.test(text) ?? false;
}

/** The format whose marker `text` carries (`json` for the JSON envelope of binary files too). */
export function detectSopsFormat(text: string): SopsFormat | undefined {
  const order: SopsFormat[] = ['yaml', 'json', 'dotenv', 'ini'];
  return order.find((format) => isSopsEncrypted(text, format));
}

/** sops' format for a file name: by extension, binary for anything else. */
export function formatForPath(path: string): SopsFormat {
  if (/\.ya?ml$/.test(path)) return 'yaml';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.env')) return 'dotenv';
  if (path.endsWith('.ini')) return 'ini';
  return 'binary';
}

function verifyMac(metadata: SopsMetadata, dataKey: Uint8Array, computed: string): void {
  let stored: unknown;
  try {
    stored = decryptValue(metadata.mac, dataKey, normalizeTimestamp(metadata.lastModified));
  } catch (err) {
    throw new SopsDecryptionError(
      'MacMismatch',
      `failed to decrypt the document's MAC: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (stored !== computed) {
    throw new SopsDecryptionError(
      'MacMismatch',
      `MAC mismatch: the document was modified after it was encrypted (file has ${String(stored)}, computed ${computed})`,
    );
  }
}

export interface DecryptOptions {
  /** Format to write the plaintext in; defaults to the input format (Flux picks it from the file name). */
  outputFormat?: SopsFormat;
}

/**
 * Decrypts a SOPS document and returns its plaintext in the same (or the requested) format.
 * Throws SopsDecryptionError: no matching key, a tampered value or MAC, a malformed document.
 */
export async function decryptSopsDocument(
  text: string,
  format: SopsFormat,
  keys: SopsKeys,
  options: DecryptOptions = {},
): Promise<string> {
  const { branches, metadata } = storeFor(format).loadEncrypted(text);
  const dataKey = await decryptDataKey(metadata.keyGroups, keys, metadata.shamirThreshold);
  const plain = decryptTree(branches, dataKey, metadata);
  verifyMac(metadata, dataKey, plain.mac);
  return storeFor(options.outputFormat ?? format).emitPlain(plain.branches);
}

export interface EncryptOptions extends Omit<
  EncryptionRules,
  'unencryptedCommentRegex' | 'encryptedCommentRegex'
> {
  /** age X25519 recipients (`age1…`). */
  ageRecipients?: string[];
  /** Armored OpenPGP public keys. */
  pgpPublicKeys?: string[];
  /**
   * Several key groups instead of the recipients above: the data key is split with Shamir's
   * scheme, one share per group, `shamirThreshold` (default: all) of them needed to decrypt.
   */
  keyGroups?: { ageRecipients?: string[]; pgpPublicKeys?: string[] }[];
  shamirThreshold?: number;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  /** The `lastmodified` time (default: now). */
  now?: Date;
}

function rulesFrom(options: EncryptOptions): EncryptionRules {
  const rules: EncryptionRules = {
    unencryptedSuffix: options.unencryptedSuffix,
    encryptedSuffix: options.encryptedSuffix,
    unencryptedRegex: options.unencryptedRegex,
    encryptedRegex: options.encryptedRegex,
  };
  const count = Object.values(rules).filter((v) => v !== undefined).length;
  if (count > 1) {
    throw new SopsEncryptionError(
      'cannot use more than one of encryptedSuffix, unencryptedSuffix, encryptedRegex or unencryptedRegex',
    );
  }
  if (count === 0) rules.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  return {
    ...rules,
    unencryptedCommentRegex: options.unencryptedCommentRegex,
    encryptedCommentRegex: options.encryptedCommentRegex,
    macOnlyEncrypted: options.macOnlyEncrypted ?? false,
  };
}

function loadPlain(store: Store, text: string) {
  try {
    return store.loadPlain(text);
  } catch (err) {
    throw new SopsEncryptionError(`cannot parse the document: ${(err as Error).message}`, { cause: err });
  }
}

/** Encrypts a plaintext document into the SOPS format, readable by `sops --decrypt`. */
export async function encryptSopsDocument(
  text: string,
  format: SopsFormat,
  options: EncryptOptions,
): Promise<string> {
  const store = storeFor(format);
  const branches = loadPlain(store, text);
  if (format !== 'binary' && branches.some((b) => b.get('sops') !== undefined)) {
    throw new SopsEncryptionError('the document already has a top-level sops key: it is encrypted already');
  }
  const rules = rulesFrom(options);
  const dataKey = newDataKey();
  const groups: Recipients[] = options.keyGroups
    ? options.keyGroups.map((g) => ({ age: g.ageRecipients, pgp: g.pgpPublicKeys }))
    : [{ age: options.ageRecipients, pgp: options.pgpPublicKeys }];
  const keyGroups = await encryptKeyGroups(dataKey, groups, options.shamirThreshold);
  const encrypted = encryptTree(branches, dataKey, rules);
  const lastModified = rfc3339(options.now ?? new Date());
  const metadata: SopsMetadata = {
    ...rules,
    keyGroups,
    shamirThreshold: keyGroups.length > 1 ? (options.shamirThreshold ?? keyGroups.length) : undefined,
    lastModified,
    mac: encryptValue(encrypted.mac, dataKey, lastModified),
    version: SOPS_VERSION,
  };
  return store.emitEncrypted(encrypted.branches, metadata);
}
