// File access confined to the build root: Flux turns kustomize's load restrictions off, but the
// artifact is the root, so nothing outside it may be read (symlinks included).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { KustomizeError } from './errors.js';

export class ConfinedFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = realpathOrFail(path.resolve(root), root);
  }

  /** Resolves `ref` relative to directory `base`; the result must stay inside the root. */
  resolve(base: string, ref: string): string {
    if (isRemote(ref)) {
      throw new KustomizeError('REMOTE_NOT_SUPPORTED', `remote resource '${ref}' is not supported`, base);
    }
    const joined = path.resolve(base, ref);
    this.assertInside(joined, ref);
    return joined;
  }

  exists(file: string): boolean {
    try {
      statSync(file);
      return true;
    } catch {
      return false;
    }
  }

  isDirectory(file: string): boolean {
    try {
      return statSync(this.real(file)).isDirectory();
    } catch {
      return false;
    }
  }

  readText(file: string): string {
    return this.readBytes(file).toString('utf8');
  }

  readBytes(file: string): Buffer {
    if (!this.exists(file)) {
      throw new KustomizeError('MISSING_FILE', `file not found: ${this.relative(file)}`);
    }
    return readFileSync(this.real(file));
  }

  relative(file: string): string {
    return path.relative(this.root, file) || '.';
  }

  private real(file: string): string {
    const real = realpathOrFail(file, file);
    this.assertInside(real, file);
    return real;
  }

  private assertInside(file: string, ref: string): void {
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new KustomizeError('OUTSIDE_ROOT', `'${ref}' is outside the build root`);
    }
  }
}

function realpathOrFail(file: string, ref: string): string {
  try {
    return realpathSync(file);
  } catch {
    throw new KustomizeError('MISSING_FILE', `path not found: ${ref}`);
  }
}

/** Git/HTTP references kustomize would fetch; this increment does not fetch anything. */
export function isRemote(ref: string): boolean {
  return /^(https?:\/\/|git@|ssh:\/\/|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(ref);
}
