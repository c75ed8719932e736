// SOPS decryption (kustomize.md §5) behind a small interface: the keys come from
// `spec.decryption.secretRef`, the decryption itself from whatever implements SopsDecrypt
// (@flotilla/sops in the service). Objects with a top-level `sops` key are decrypted whole;
// Secret data values that are SOPS documents are decrypted in the format of their key's
// extension; files used by secretGenerator are decrypted in place before the build.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SECRETS, isNotFound, type ApiObject, type KubeClient } from '@flotilla/runtime';
import { detectSopsFormat, formatForPath, keysFromSecretData, type SopsFormat } from '@flotilla/sops';
import { parse } from 'yaml';
import { replaceFile } from './artifact.js';
import { findKustomizationFile } from './generate.js';

export type { SopsFormat };

export interface SopsKeys {
  age?: string[];
  pgp?: string[];
}

/** Decrypts one SOPS document (text) and returns the plaintext in the same format. */
export type SopsDecrypt = (text: string, format: SopsFormat, keys: SopsKeys) => string | Promise<string>;

export const DECRYPT_KEY = 'kustomize.toolkit.fluxcd.io/decrypt';

export class DecryptionError extends Error {
  readonly code = 'DECRYPTION_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecryptionError';
  }
}

/** Age and OpenPGP keys of the decryption Secret (`*.agekey`, `*.asc` entries). */
export async function loadSopsKeys(client: KubeClient, namespace: string, name: string): Promise<SopsKeys> {
  let secret: ApiObject;
  try {
    secret = await client.get(SECRETS, namespace, name);
  } catch (error) {
    if (isNotFound(error))
      throw new DecryptionError(`cannot get decryption Secret '${namespace}/${name}': not found`);
    throw error;
  }
  try {
    const { age, pgp } = keysFromSecretData((secret.data ?? {}) as Record<string, string>);
    return { age, pgp };
  } catch (error) {
    throw new DecryptionError((error as Error).message, { cause: error });
  }
}

/** A SOPS document in any of its formats (the markers sops itself writes). */
export function isSopsDocument(text: string): boolean {
  return detectSopsFormat(text) !== undefined;
}

const decryptDisabled = (obj: ApiObject) =>
  (obj.metadata?.annotations?.[DECRYPT_KEY] ?? obj.metadata?.labels?.[DECRYPT_KEY])?.toLowerCase() ===
  'disabled';

export class Decryptor {
  constructor(
    private readonly decrypt: SopsDecrypt,
    private readonly keys: SopsKeys,
  ) {}

  private async run(text: string, format: SopsFormat, what: string): Promise<string> {
    try {
      return await this.decrypt(text, format, this.keys);
    } catch (error) {
      throw new DecryptionError(`decryption failed for '${what}': ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Decrypts built objects in place of the encrypted ones. */
  async decryptObjects(objects: ApiObject[]): Promise<ApiObject[]> {
    const out: ApiObject[] = [];
    for (const obj of objects) out.push(decryptDisabled(obj) ? obj : await this.decryptObject(obj));
    return out;
  }

  private async decryptObject(obj: ApiObject): Promise<ApiObject> {
    const what = `${obj.kind ?? ''}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? ''}`;
    if ('sops' in obj) return JSON.parse(await this.run(JSON.stringify(obj), 'json', what)) as ApiObject;
    if (obj.kind !== 'Secret' || !obj.data || typeof obj.data !== 'object') return obj;
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(obj.data as Record<string, string>)) {
      const text = Buffer.from(value, 'base64').toString('utf8');
      data[key] = isSopsDocument(text)
        ? Buffer.from(await this.run(text, formatForPath(key), `${what} key ${key}`)).toString('base64')
        : value;
    }
    return { ...obj, data };
  }

  /** Decrypts, in place, files that secretGenerators of visited kustomizations read. */
  async decryptGeneratorSources(dir: string, root: string, seen = new Set<string>()): Promise<void> {
    if (seen.has(dir)) return;
    seen.add(dir);
    const file = findKustomizationFile(dir);
    if (!file) return;
    const doc = (parse(await readFile(file, 'utf8')) ?? {}) as Record<string, unknown>;
    for (const source of generatorSources(doc)) {
      const full = resolve(dirname(file), source);
      if (!full.startsWith(root) || !existsSync(full)) continue;
      const text = await readFile(full, 'utf8');
      if (isSopsDocument(text)) await replaceFile(full, await this.run(text, formatForPath(full), source));
    }
    for (const child of [...listOf(doc.resources), ...listOf(doc.components)]) {
      const full = resolve(dir, child);
      if (full.startsWith(root) && findKustomizationFile(full))
        await this.decryptGeneratorSources(full, root, seen);
    }
  }
}

const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];

function generatorSources(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const generator of Array.isArray(doc.secretGenerator) ? doc.secretGenerator : []) {
    const g = (generator ?? {}) as { files?: unknown; envs?: unknown; env?: unknown };
    // `files` entries may be `key=path`.
    for (const f of listOf(g.files)) out.push(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f);
    out.push(...listOf(g.envs));
    if (typeof g.env === 'string') out.push(g.env);
  }
  return out.map((p) => join(p));
}

/** Secrets that still look SOPS-encrypted after decryption (or without it configured). */
export function encryptedLeftovers(objects: readonly ApiObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Secret' && 'sops' in o && !decryptDisabled(o))
    .map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
}
