// File access confined to the build root: Flux turns kustomize's load restrictions off, but the
// artifact is the root, so nothing outside it may be read (symlinks included). Checkouts of
// remote bases are further roots, each confining the files read from inside it.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { KustomizeError } from './errors.js';
import { isRemote } from './remote.js';

/** Files larger than this are refused rather than parsed (a manifest is kilobytes, not gigabytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class ConfinedFiles {
  readonly root: string;
  private readonly roots: string[];

  constructor(
    root: string,
    private readonly maxFileBytes: number = MAX_FILE_BYTES,
  ) {
    this.root = realpathOrFail(path.resolve(root), root);
    this.roots = [this.root];
  }

  /** Allows reads inside `dir` too (a remote base's checkout); returns its real path. */
  addRoot(dir: string): string {
    const real = realpathOrFail(path.resolve(dir), dir);
    if (!this.roots.includes(real)) this.roots.push(real);
    return real;
  }

  /** Resolves `ref` relative to directory `base`; the result must stay inside base's root. */
  resolve(base: string, ref: string): string {
    if (isRemote(ref)) {
      throw new KustomizeError(
        'REMOTE_DISABLED',
        `remote bases are disabled: '${ref}' is only allowed as a resource or component`,
        this.relative(base),
      );
    }
    const joined = path.resolve(base, ref);
    this.assertInside(joined, ref, this.rootOf(base));
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
    const real = this.real(file);
    const stat = statSync(real);
    if (stat.isDirectory()) {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `'${this.relative(file)}' is a directory, not a file`,
      );
    }
    const size = stat.size;
    if (size > this.maxFileBytes) {
      throw new KustomizeError(
        'LIMIT_EXCEEDED',
        `file is ${size} bytes, more than the limit of ${this.maxFileBytes}`,
        this.relative(file),
      );
    }
    return readFileSync(real);
  }

  /** A path for messages: relative to the build root, absolute when outside it (remote checkouts). */
  relative(file: string): string {
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return file;
    return rel || '.';
  }

  private real(file: string): string {
    const real = realpathOrFail(file, file);
    this.assertInside(real, file, this.rootOf(file));
    return real;
  }

  /** The innermost root holding `file` (the build root when none does). */
  private rootOf(file: string): string {
    let best: string | undefined;
    for (const root of this.roots) {
      if (inside(root, file) && (best === undefined || root.length > best.length)) best = root;
    }
    return best ?? this.root;
  }

  private assertInside(file: string, ref: string, root: string): void {
    if (!inside(root, file)) {
      throw new KustomizeError('OUTSIDE_ROOT', `'${ref}' is outside the build root`);
    }
  }
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return !(rel.startsWith('..') || path.isAbsolute(rel));
}

function realpathOrFail(file: string, ref: string): string {
  try {
    return realpathSync(file);
  } catch {
    throw new KustomizeError('MISSING_FILE', `path not found: ${ref}`);
  }
}
