// Updating an earlier checkout when only regular files changed (the usual case for a new commit on a
// watched branch): the changed files are written and their index entries replaced in one pass,
// instead of isomorphic-git's checkout, whose analysis walks the new tree, the index and every file
// of each directory holding a change (one lstat per file) even when told the paths. What it writes is
// what that checkout writes: the blob with its mode (rewritten from scratch when the mode changes),
// deleted files removed, and index entries carrying the written file's lstat. Anything else (trees
// appearing or vanishing, symlinks, submodules) still goes through isomorphic-git's checkout.
import { join } from 'node:path';
import git from 'isomorphic-git';
import { GitIndexManager } from 'isomorphic-git/managers';
import type { FileSystem } from 'isomorphic-git/models';
import { gitFiles, gitFs as fs } from './fs.js';

export type TreeEntry = Awaited<ReturnType<typeof git.readTree>>['tree'][number];

/** One path that differs between the previous and the new commit's trees. */
export interface TreeChange {
  path: string;
  before?: TreeEntry;
  after?: TreeEntry;
}

const REGULAR = new Set(['100644', '100755']);

function regularFile(entry: TreeEntry | undefined): boolean {
  return entry === undefined || (entry.type === 'blob' && REGULAR.has(entry.mode));
}

/** True when every change is a regular file added, removed or rewritten (see updateFiles). */
export function onlyRegularFiles(changes: TreeChange[]): boolean {
  return changes.every(({ before, after }) => regularFile(before) && regularFile(after));
}

type IndexUpdate = { path: string; oid: string; stats: object } | { path: string; oid?: undefined };

/** Refuses to write through a leading directory that is a symlink, as isomorphic-git's checkout does. */
function leadingPathChecker(files: FileSystem, dir: string) {
  const checked = new Map<string, Promise<boolean>>();
  const isSymlink = (path: string) => {
    let known = checked.get(path);
    if (!known) {
      known = files
        .lstat(join(dir, path))
        .then((stats: { isSymbolicLink(): boolean } | null) => Boolean(stats?.isSymbolicLink()));
      checked.set(path, known);
    }
    return known;
  };
  return async (path: string) => {
    const parts = path.split('/').slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth += 1) {
      if (await isSymlink(parts.slice(0, depth).join('/'))) throw new git.Errors.UnsafeFilepathError(path);
    }
  };
}

async function applyChange(
  files: FileSystem,
  context: { dir: string; cache: object; checkLeadingPath: (path: string) => Promise<void> },
  change: TreeChange,
): Promise<IndexUpdate> {
  const { dir, cache } = context;
  const { path, before, after } = change;
  const filepath = `${dir}/${path}`;
  if (!after) {
    await files.rm(filepath);
    return { path };
  }
  await context.checkLeadingPath(path);
  const { blob } = await git.readBlob({ fs, dir, oid: after.oid, cache });
  // A mode is only set when a file is created.
  if (before?.mode !== after.mode) await files.rm(filepath);
  const executable = after.mode === '100755';
  await files.write(filepath, blob, executable ? { mode: 0o777 } : {});
  const stats = (await files.lstat(filepath)) as { mode: number };
  // The index records 755 for executables whatever the file system reports (as checkout does).
  if (executable) stats.mode = 0o755;
  return { path, oid: after.oid, stats };
}

/** Writes the changed regular files of `dir` and updates their index entries (onlyRegularFiles). */
export async function updateFiles(dir: string, changes: TreeChange[], cache: object): Promise<void> {
  const files = gitFiles;
  const context = { dir, cache, checkLeadingPath: leadingPathChecker(files, dir) };
  const updates = await Promise.all(changes.map((change) => applyChange(files, context, change)));
  await GitIndexManager.acquire({ fs: files, gitdir: join(dir, '.git'), cache }, (index) => {
    for (const update of updates) {
      if (update.oid === undefined) index.delete({ filepath: update.path });
      else index.insert({ filepath: update.path, stats: update.stats, oid: update.oid });
    }
  });
}
