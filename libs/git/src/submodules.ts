// Submodules (recurseSubmodules): isomorphic-git does not know them, so after the superproject's
// checkout we read .gitmodules, find each gitlink's commit in HEAD's tree and check that commit out
// into the submodule's path with the same credentials, recursively. Relative submodule URLs resolve
// against the superproject's URL, as git does.
import { gitFs as fs } from './fs.js';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import git from 'isomorphic-git';
import { GitError } from './errors.js';
import type { ProxyOptions } from './http-client.js';
import type { GitRefSpec } from './refs.js';
import type { GitAuth } from './remote.js';
import { resolveSubmoduleUrl } from './url.js';

export interface Submodule {
  name: string;
  path: string;
  url: string;
}

/** The submodules a .gitmodules file declares (entries without path or url are skipped). */
export function parseGitmodules(text: string): Submodule[] {
  const modules: Partial<Submodule>[] = [];
  let current: Partial<Submodule> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*submodule\s+"(.*)"\s*\]$/.exec(line);
    if (section) {
      current = { name: section[1] };
      modules.push(current);
      continue;
    }
    if (line.startsWith('[')) {
      current = undefined;
      continue;
    }
    const pair = /^([A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line);
    if (!current || !pair) continue;
    const key = pair[1]?.toLowerCase();
    const value = (pair[2] ?? '').replace(/^"(.*)"$/, '$1');
    if (key === 'path') current.path = value.replace(/\/+$/, '');
    if (key === 'url') current.url = value;
  }
  return modules.filter((entry): entry is Submodule => Boolean(entry.name && entry.path && entry.url));
}

async function gitlinkCommit(dir: string, path: string, cache: object): Promise<string | undefined> {
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  const parent = posix.dirname(path);
  try {
    const { tree } = await git.readTree({
      fs,
      dir,
      oid: head,
      filepath: parent === '.' ? undefined : parent,
      cache,
    });
    const entry = tree.find((item) => item.path === posix.basename(path));
    return entry?.type === 'commit' ? entry.oid : undefined;
  } catch {
    return undefined;
  }
}

export type CheckoutFunction = (options: {
  url: string;
  ref: GitRefSpec;
  dir: string;
  auth?: GitAuth;
  proxy?: ProxyOptions;
  recurseSubmodules: boolean;
  timeoutMs?: number;
}) => Promise<unknown>;

export interface SubmoduleOptions {
  dir: string;
  parentUrl: string;
  auth?: GitAuth;
  proxy?: ProxyOptions;
  timeoutMs?: number;
  cache: object;
  /** Only submodules under these directories (sparse checkout). */
  within?: string[];
  checkout: CheckoutFunction;
}

function isWithin(path: string, within: string[] | undefined): boolean {
  if (!within || within.length === 0) return true;
  return within.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** Checks out every submodule of the checkout in `dir`, recursively. */
export async function updateSubmodules(options: SubmoduleOptions): Promise<Submodule[]> {
  const text = await readFile(join(options.dir, '.gitmodules'), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const updated: Submodule[] = [];
  for (const submodule of parseGitmodules(text)) {
    if (!isWithin(submodule.path, options.within)) continue;
    if (submodule.path.split('/').includes('..')) {
      throw new GitError(
        'OperationFailed',
        `submodule '${submodule.name}' has a path outside the repository`,
      );
    }
    const commit = await gitlinkCommit(options.dir, submodule.path, options.cache);
    if (!commit) continue;
    const url = resolveSubmoduleUrl(options.parentUrl, submodule.url);
    await options.checkout({
      url,
      ref: { commit },
      dir: join(options.dir, submodule.path),
      auth: options.auth,
      proxy: options.proxy,
      recurseSubmodules: true,
      timeoutMs: options.timeoutMs,
    });
    updated.push(submodule);
  }
  return updated;
}
