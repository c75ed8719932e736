// Walking the tree the way sops does (depth first, lists not adding to the path, comments
// tracked per level), encrypting or decrypting the leaves that the metadata's rules select, and
// hashing the plaintexts in the same order for the MAC.
import { createHash, type Hash } from 'node:crypto';
import { RE2JS } from 're2js';
import { decryptValue, encryptValue, toBytes, type Plaintext } from './cipher.js';
import { SopsDecryptionError } from './errors.js';
import type { EncryptionRules } from './metadata.js';
import { Branch, Comment, type TreeValue } from './tree.js';

/** sha256("sops"): seeds the MAC when only encrypted values are hashed, so the two MACs differ. */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from(
  '8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69',
  'hex',
);

type Leaf = Exclude<TreeValue, Branch | TreeValue[] | null>;
type OnLeaf = (leaf: Leaf, path: string[], comments: string[][]) => TreeValue;

function walkValue(value: TreeValue, path: string[], comments: string[][], onLeaf: OnLeaf): TreeValue {
  if (value === null) return null;
  if (value instanceof Branch) return walkBranch(value, path, comments, onLeaf);
  if (Array.isArray(value)) return walkList(value, path, comments, onLeaf);
  return onLeaf(value, path, comments);
}

function walkList(list: TreeValue[], path: string[], stack: string[][], onLeaf: OnLeaf): TreeValue[] {
  const comments = [...stack, []];
  return list.map((item) => {
    if (item instanceof Comment) comments[comments.length - 1]!.push(item.value);
    const out = walkValue(item, path, comments, onLeaf);
    if (!(item instanceof Comment)) comments[comments.length - 1] = [];
    return out;
  });
}

function walkBranch(branch: Branch, path: string[], stack: string[][], onLeaf: OnLeaf): Branch {
  const comments = [...stack, []];
  const items = branch.items.map((item) => {
    if (item.key instanceof Comment) {
      comments[comments.length - 1]!.push(item.key.value);
      const out = walkValue(item.key, path, comments, onLeaf);
      return { key: out instanceof Comment ? out : new Comment(String(out)), value: item.value };
    }
    const valueIsComment = item.value instanceof Comment;
    if (item.value instanceof Comment) comments[comments.length - 1]!.push(item.value.value);
    const value = walkValue(item.value, [...path, item.key], comments, onLeaf);
    if (!valueIsComment) comments[comments.length - 1] = [];
    return { key: item.key, value };
  });
  return new Branch(items);
}

const compiled = new Map<string, RE2JS>();
function matches(pattern: string, text: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    compiled.set(pattern, re);
  }
  return re.matcher(text).find();
}

function commentRules(rules: EncryptionRules, comments: string[][], isComment: boolean, encrypted: boolean) {
  let result = encrypted;
  const unencrypted = rules.unencryptedCommentRegex;
  if (unencrypted && comments.some((level) => level.some((c) => matches(unencrypted, c)))) result = false;
  const wanted = rules.encryptedCommentRegex;
  if (wanted) {
    const last = comments.length - 1;
    const lastLen = comments[last]?.length ?? 0;
    // The comment line that matches is itself left in clear; only what follows it is encrypted.
    result = comments.some((level, i) =>
      level.some((c, j) => !(isComment && i === last && j === lastLen - 1) && matches(wanted, c)),
    );
  }
  return result;
}

/** sops' Tree.shouldBeEncrypted. */
export function shouldBeEncrypted(
  rules: EncryptionRules,
  path: string[],
  comments: string[][],
  isComment: boolean,
): boolean {
  let encrypted = true;
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex } = rules;
  if (unencryptedSuffix && path.some((p) => p.endsWith(unencryptedSuffix))) encrypted = false;
  if (encryptedSuffix) encrypted = path.some((p) => p.endsWith(encryptedSuffix));
  if (unencryptedRegex && path.some((p) => matches(unencryptedRegex, p))) encrypted = false;
  if (encryptedRegex) encrypted = path.some((p) => matches(encryptedRegex, p));
  return commentRules(rules, comments, isComment, encrypted);
}

function newMac(rules: EncryptionRules): Hash {
  const hash = createHash('sha512');
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  return hash;
}

const aad = (path: string[]) => `${path.join(':')}:`;

/** Encrypts the selected leaves of every branch; returns the new branches and the MAC (hex, upper). */
export function encryptTree(
  branches: Branch[],
  key: Uint8Array,
  rules: EncryptionRules,
): { branches: Branch[]; mac: string } {
  const hash = newMac(rules);
  const onLeaf: OnLeaf = (leaf, path, comments) => {
    const isComment = leaf instanceof Comment;
    const encrypted = shouldBeEncrypted(rules, path, comments, isComment);
    if ((!rules.macOnlyEncrypted || encrypted) && !isComment) hash.update(toBytes(leaf));
    if (!encrypted) return leaf;
    const out = encryptValue(leaf as Plaintext, key, aad(path));
    return isComment ? new Comment(out) : out;
  };
  const out = branches.map((b) => walkBranch(b, [], [], onLeaf));
  return { branches: out, mac: hash.digest('hex').toUpperCase() };
}

/** Every mapping's path in the document, as additional data, for comments that moved level. */
function containerPaths(branches: Branch[]): string[] {
  const out = new Set<string>();
  const visit = (value: TreeValue, path: string[]): void => {
    if (value instanceof Branch) {
      out.add(aad(path));
      for (const item of value.items)
        if (typeof item.key === 'string') visit(item.value, [...path, item.key]);
    } else if (Array.isArray(value)) for (const v of value) visit(v, path);
  };
  for (const b of branches) visit(b, []);
  return [...out];
}

function decryptComment(
  comment: Comment,
  key: Uint8Array,
  path: string[],
  others: () => string[],
): TreeValue {
  // A comment's level can differ between YAML parsers (a comment before a dedent belongs to the
  // inner or the outer mapping), so after its own path every other mapping's path is tried.
  for (const candidate of [aad(path), ...others()]) {
    try {
      return decryptValue(comment.value, key, candidate);
    } catch {
      // try the next candidate
    }
  }
  // sops keeps comments it cannot decrypt: older versions left comments in clear.
  return comment;
}

function decryptLeaf(leaf: Leaf, key: Uint8Array, path: string[], others: () => string[]): TreeValue {
  if (leaf instanceof Comment) return decryptComment(leaf, key, path, others);
  if (typeof leaf !== 'string') {
    throw new SopsDecryptionError(
      'ValueDecryptionFailed',
      `value at '${path.join(':')}' should be encrypted but is a plain ${typeof leaf}`,
    );
  }
  return decryptValue(leaf, key, aad(path));
}

/** Decrypts the selected leaves of every branch; returns the plain branches and the recomputed MAC. */
export function decryptTree(
  branches: Branch[],
  key: Uint8Array,
  rules: EncryptionRules,
): { branches: Branch[]; mac: string } {
  const hash = newMac(rules);
  let paths: string[] | undefined;
  const others = () => (paths ??= containerPaths(branches));
  const onLeaf: OnLeaf = (leaf, path, comments) => {
    const encrypted = shouldBeEncrypted(rules, path, comments, leaf instanceof Comment);
    const value = encrypted ? decryptLeaf(leaf, key, path, others) : leaf;
    if ((!rules.macOnlyEncrypted || encrypted) && !(value instanceof Comment)) {
      hash.update(toBytes(value as Plaintext));
    }
    return value;
  };
  const out = branches.map((b) => walkBranch(b, [], [], onLeaf));
  return { branches: out, mac: hash.digest('hex').toUpperCase() };
}
