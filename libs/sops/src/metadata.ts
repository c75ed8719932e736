// The `sops` metadata block: reading it from any store's plain representation, and writing it
// back in the field order of sops' stores.Metadata struct.
import { SopsDecryptionError } from './errors.js';

export interface AgeKeyEntry {
  recipient: string;
  enc: string;
}

export interface PgpKeyEntry {
  fp: string;
  enc: string;
  created_at: string;
}

/** One key group: every master key in it encrypts the same data key (or Shamir share). */
export interface KeyGroup {
  age: AgeKeyEntry[];
  pgp: PgpKeyEntry[];
  /** Cloud KMS / Vault keys, kept by kind and id only: this library cannot use them. */
  other: { kind: string; id: string }[];
}

export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  macOnlyEncrypted?: boolean;
}

export interface SopsMetadata extends EncryptionRules {
  keyGroups: KeyGroup[];
  shamirThreshold?: number;
  lastModified: string;
  mac: string;
  version: string;
}

export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

const OTHER_KINDS: Record<string, string> = {
  kms: 'arn',
  gcp_kms: 'resource_id',
  azure_kv: 'vault_url',
  hc_vault: 'vault_address',
};

type Plain = Record<string, unknown>;

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

function list(value: unknown): Plain[] {
  return Array.isArray(value) ? value.filter((v): v is Plain => typeof v === 'object' && v !== null) : [];
}

function groupFrom(source: Plain): KeyGroup {
  const other: KeyGroup['other'] = [];
  for (const [kind, idField] of Object.entries(OTHER_KINDS)) {
    for (const entry of list(source[kind])) other.push({ kind, id: str(entry[idField]) });
  }
  return {
    age: list(source['age']).map((e) => ({ recipient: str(e['recipient']), enc: str(e['enc']) })),
    pgp: list(source['pgp']).map((e) => ({
      fp: str(e['fp']),
      enc: str(e['enc']),
      created_at: str(e['created_at']),
    })),
    other,
  };
}

function groupSize(group: KeyGroup): number {
  return group.age.length + group.pgp.length + group.other.length;
}

function keyGroupsFrom(source: Plain): KeyGroup[] {
  const top = groupFrom(source);
  if (groupSize(top) > 0) return [top];
  const groups = list(source['key_groups']).map(groupFrom);
  if (groups.length === 0) throw new SopsDecryptionError('InvalidDocument', 'no keys found in sops metadata');
  return groups;
}

/** Go's time.Parse(RFC3339) then Format(RFC3339): fraction dropped, a zero offset written `Z`. */
export function normalizeTimestamp(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) {
    throw new SopsDecryptionError(
      'InvalidDocument',
      `sops lastmodified ${JSON.stringify(value)} is not RFC 3339`,
    );
  }
  const zone = m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3];
  return `${m[1]}T${m[2]}${zone}`;
}

function asBool(value: unknown): boolean {
  return value === true || value === 'true';
}

function optional(value: unknown): string | undefined {
  const s = str(value);
  return s === '' ? undefined : s;
}

/** Reads the metadata from its plain form (the `sops` mapping, or the unflattened dotenv/INI keys). */
export function metadataFromPlain(source: unknown): SopsMetadata {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new SopsDecryptionError('MetadataNotFound', 'sops metadata not found');
  }
  const m = source as Plain;
  const rules: EncryptionRules = {
    unencryptedSuffix: optional(m['unencrypted_suffix']),
    encryptedSuffix: optional(m['encrypted_suffix']),
    unencryptedRegex: optional(m['unencrypted_regex']),
    encryptedRegex: optional(m['encrypted_regex']),
  };
  const ruleCount = Object.values(rules).filter((v) => v !== undefined).length;
  if (ruleCount > 1) {
    throw new SopsDecryptionError(
      'InvalidDocument',
      'cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex or unencrypted_regex in the same file',
    );
  }
  if (ruleCount === 0) rules.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  const threshold = m['shamir_threshold'];
  return {
    ...rules,
    unencryptedCommentRegex: optional(m['unencrypted_comment_regex']),
    encryptedCommentRegex: optional(m['encrypted_comment_regex']),
    macOnlyEncrypted: asBool(m['mac_only_encrypted']),
    keyGroups: keyGroupsFrom(m),
    shamirThreshold: threshold === undefined || threshold === null ? undefined : Number(threshold),
    lastModified: str(m['lastmodified']),
    mac: str(m['mac']),
    version: str(m['version']),
  };
}

function groupToPlain(group: KeyGroup): Plain {
  const out: Plain = {};
  if (group.pgp.length > 0) out['pgp'] = group.pgp.map((k) => ({ ...k }));
  if (group.age.length > 0) out['age'] = group.age.map((k) => ({ recipient: k.recipient, enc: k.enc }));
  return out;
}

/** The metadata as sops writes it (stores.Metadata field order; empty key lists left out). */
export function metadataToPlain(md: SopsMetadata): Plain {
  const out: Plain = {};
  if (md.shamirThreshold !== undefined) out['shamir_threshold'] = md.shamirThreshold;
  if (md.keyGroups.length > 1) out['key_groups'] = md.keyGroups.map(groupToPlain);
  const single = md.keyGroups.length === 1 ? md.keyGroups[0] : undefined;
  if (single && single.age.length > 0) out['age'] = groupToPlain(single)['age'];
  out['lastmodified'] = md.lastModified;
  out['mac'] = md.mac;
  if (single && single.pgp.length > 0) out['pgp'] = groupToPlain(single)['pgp'];
  const optionalFields: [string, string | undefined][] = [
    ['unencrypted_suffix', md.unencryptedSuffix],
    ['encrypted_suffix', md.encryptedSuffix],
    ['unencrypted_regex', md.unencryptedRegex],
    ['encrypted_regex', md.encryptedRegex],
    ['unencrypted_comment_regex', md.unencryptedCommentRegex],
    ['encrypted_comment_regex', md.encryptedCommentRegex],
  ];
  for (const [name, value] of optionalFields) if (value !== undefined) out[name] = value;
  if (md.macOnlyEncrypted) out['mac_only_encrypted'] = true;
  out['version'] = md.version;
  return out;
}

const MAP_SEPARATOR = '__map_';
const LIST_SEPARATOR = '__list_';

/** sops' Flatten for dotenv/INI: nested keys joined with `__map_`/`__list_N`, newlines as `\n`. */
export function flattenMetadata(md: SopsMetadata): [string, string][] {
  const out: [string, string][] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(`${prefix}${LIST_SEPARATOR}${i}`, v));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(`${prefix}${MAP_SEPARATOR}${k}`, v);
    } else if (value !== undefined && value !== null) {
      out.push([prefix, String(value).replaceAll('\n', '\\n')]);
    }
  };
  for (const [key, value] of Object.entries(metadataToPlain(md))) {
    if (typeof value === 'object' && value !== null) visit(key, value);
    else out.push([key, String(value).replaceAll('\n', '\\n')]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

type Token = { map: string } | { list: number };

function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /(__map_|__list_)/g;
  let last = 0;
  let kind: 'root' | 'map' | 'list' = 'root';
  const push = (end: number) => {
    const text = path.slice(last, end);
    tokens.push(kind === 'list' ? { list: Number(text) } : { map: text });
  };
  for (let m = pattern.exec(path); m; m = pattern.exec(path)) {
    push(m.index);
    kind = m[1] === MAP_SEPARATOR ? 'map' : 'list';
    last = m.index + m[1]!.length;
  }
  push(path.length);
  return tokens;
}

/** sops' Unflatten (with DecodeNewLines): the inverse of flattenMetadata. */
export function unflattenMetadata(entries: Iterable<[string, string]>): Plain {
  const root: Plain = {};
  for (const [key, raw] of entries) {
    const value = raw.replaceAll('\\n', '\n');
    const tokens = tokenize(key);
    let node: Plain | unknown[] = root;
    tokens.forEach((token, i) => {
      const next = tokens[i + 1];
      const slot = 'map' in token ? token.map : token.list;
      const container = node as Record<string | number, unknown>;
      if (!next) {
        container[slot] = value;
        return;
      }
      container[slot] ??= 'map' in next ? {} : [];
      node = container[slot] as Plain | unknown[];
    });
  }
  return root;
}
