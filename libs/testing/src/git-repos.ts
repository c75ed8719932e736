// Bare git repositories for the git test servers: created and committed to with the git CLI under a
// fixed identity and date, so the same content always yields the same commit ids. git-http and
// git-ssh serve the same repo root, so one repository can be reached both ways.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeDir, requireBinary } from './process.js';

export const GIT_TEST_AUTHOR = { name: 'Flotilla Test', email: 'flotilla-test@example.invalid' } as const;
/** Author and committer date of every helper commit unless a test passes its own. */
export const GIT_TEST_DATE = '2024-01-01T00:00:00+00:00';

/** Repository content: path inside the repo → file content. */
export type RepoFiles = Record<string, string | Uint8Array>;

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

// Variables git sets for hooks (inherited by a test run started from a hook they would redirect every
// helper command to the caller's repository) and askpass helpers that would answer auth prompts.
const INHERITED_GIT_LOCATION = [
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
];

/**
 * The environment for helper git commands: no system or user config, no prompts, and the fixed test
 * identity and date so commits are reproducible.
 */
export function gitEnvironment(extra: NodeJS.ProcessEnv = {}, date = GIT_TEST_DATE): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_GIT_LOCATION) delete env[name];
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: GIT_TEST_AUTHOR.name,
    GIT_AUTHOR_EMAIL: GIT_TEST_AUTHOR.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: GIT_TEST_AUTHOR.name,
    GIT_COMMITTER_EMAIL: GIT_TEST_AUTHOR.email,
    GIT_COMMITTER_DATE: date,
    ...extra,
  };
}

export interface RunGitOptions {
  cwd?: string;
  /** Merged over gitEnvironment(). */
  env?: NodeJS.ProcessEnv;
  input?: string | Uint8Array;
  date?: string;
}

let gitBinary: string | undefined;

/** Runs the git CLI; resolves with its stdout, rejects with a GitCommandError carrying stderr. */
export async function runGit(args: string[], options: RunGitOptions = {}): Promise<string> {
  gitBinary ??= requireBinary('git', 'git');
  const git = gitBinary;
  const child = spawn(git, args, {
    cwd: options.cwd,
    env: gitEnvironment(options.env, options.date),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined); // git may exit before reading all input; the exit code tells
  child.stdin.end(options.input ?? '');
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  if (exitCode !== 0) throw new GitCommandError(args, exitCode, Buffer.concat(stderr).toString());
  return Buffer.concat(stdout).toString();
}

/** The repository directory for a name under a root; `app` and `app.git` both mean `<root>/app.git`. */
export function repoPathFor(root: string, name: string): string {
  const relative = name.replace(/^\/+/, '');
  return join(root, relative.endsWith('.git') ? relative : `${relative}.git`);
}

export interface CommitOptions {
  /** The bare repository. */
  repoPath: string;
  /** Files to add or overwrite on top of the branch's current tree. */
  files?: RepoFiles;
  /** Snapshot this directory as the whole tree (the branch's previous tree is not kept). */
  sourceDir?: string;
  /** Paths to delete from the tree. */
  remove?: string[];
  branch?: string;
  message?: string;
  /** Author and committer date; GIT_TEST_DATE by default. */
  date?: string;
}

async function resolveCommit(repoPath: string, ref: string): Promise<string | undefined> {
  try {
    return (
      await runGit(['--git-dir', repoPath, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    ).trim();
  } catch {
    return undefined;
  }
}

/** The commit id a ref (branch, tag, id) of the repository points at. */
export async function resolveRef(repoPath: string, ref: string): Promise<string> {
  const commit = await resolveCommit(repoPath, ref);
  if (!commit) throw new Error(`${ref} does not name a commit in ${repoPath}`);
  return commit;
}

async function stageFiles(repoPath: string, files: RepoFiles, env: NodeJS.ProcessEnv): Promise<void> {
  const entries: string[] = [];
  for (const [path, content] of Object.entries(files)) {
    const blob = (
      await runGit(['--git-dir', repoPath, 'hash-object', '-w', '--stdin'], { input: content })
    ).trim();
    entries.push(`100644 ${blob}\t${path.replace(/^\/+/, '')}`);
  }
  if (entries.length > 0) {
    await runGit(['--git-dir', repoPath, 'update-index', '--add', '--index-info'], {
      env,
      input: entries.join('\n') + '\n',
    });
  }
}

/**
 * Commits into a bare repository without a working tree (a private index file only), moving the
 * branch to the new commit. Returns the commit id.
 */
export async function commitFiles(options: CommitOptions): Promise<string> {
  const { repoPath } = options;
  const branch = options.branch ?? 'main';
  const indexDir = await makeTempDir('git-index');
  const env = { GIT_INDEX_FILE: join(indexDir, 'index') };
  try {
    const parent = await resolveCommit(repoPath, `refs/heads/${branch}`);
    if (options.sourceDir) {
      await runGit(['--git-dir', repoPath, '--work-tree', options.sourceDir, 'add', '--all', '.'], {
        cwd: options.sourceDir,
        env,
      });
    } else if (parent) {
      await runGit(['--git-dir', repoPath, 'read-tree', parent], { env });
    }
    await stageFiles(repoPath, options.files ?? {}, env);
    if (options.remove?.length) {
      // Mode 0 in --index-info drops the entry; --force-remove would want a work tree.
      const removals = options.remove.map((path) => `0 ${'0'.repeat(40)}\t${path.replace(/^\/+/, '')}\n`);
      await runGit(['--git-dir', repoPath, 'update-index', '--index-info'], {
        env,
        input: removals.join(''),
      });
    }
    const tree = (await runGit(['--git-dir', repoPath, 'write-tree'], { env })).trim();
    const parentArgs = parent ? ['-p', parent] : [];
    const message = options.message ?? `Update ${branch}`;
    const commit = (
      await runGit(['--git-dir', repoPath, 'commit-tree', tree, ...parentArgs, '-m', message], {
        date: options.date,
      })
    ).trim();
    // The old value guards against a concurrent writer moving the branch meanwhile.
    const expectedOld = parent ?? '0'.repeat(commit.length);
    await runGit(['--git-dir', repoPath, 'update-ref', `refs/heads/${branch}`, commit, expectedOld]);
    return commit;
  } finally {
    await removeDir(indexDir);
  }
}

export interface CreateRepoOptions {
  /** Directory the servers serve; the repository becomes `<root>/<name>.git`. */
  root: string;
  /** `app`, `app.git` or `org/app.git`. */
  name: string;
  /** Initial content; neither files nor sourceDir leaves the repository empty. */
  files?: RepoFiles;
  sourceDir?: string;
  /** The default branch (HEAD); `main` unless given. */
  branch?: string;
  message?: string;
  date?: string;
}

export interface CreatedRepo {
  /** Absolute path of the bare repository. */
  path: string;
  /** The initial commit, when content was given. */
  commit?: string;
}

/** Creates a bare repository that accepts pushes, optionally with an initial commit. */
export async function createBareRepo(options: CreateRepoOptions): Promise<CreatedRepo> {
  const path = repoPathFor(options.root, options.name);
  const branch = options.branch ?? 'main';
  await mkdir(dirname(path), { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, path]);
  await runGit(['--git-dir', path, 'config', 'http.receivepack', 'true']);
  if (!options.files && !options.sourceDir) return { path };
  const commit = await commitFiles({
    repoPath: path,
    branch,
    files: options.files,
    sourceDir: options.sourceDir,
    message: options.message ?? 'Initial commit',
    date: options.date,
  });
  return { path, commit };
}

/** Creates a branch at a ref (default `main`); returns the commit it points at. */
export async function createBranch(options: {
  repoPath: string;
  name: string;
  from?: string;
}): Promise<string> {
  const commit = await resolveRef(options.repoPath, options.from ?? 'main');
  await runGit(['--git-dir', options.repoPath, 'branch', options.name, commit]);
  return commit;
}

/**
 * Tags a ref (default `main`): annotated when a message is given, lightweight otherwise. Returns the
 * tagged commit.
 */
export async function createTag(options: {
  repoPath: string;
  name: string;
  ref?: string;
  message?: string;
  date?: string;
}): Promise<string> {
  const commit = await resolveRef(options.repoPath, options.ref ?? 'main');
  const annotation = options.message === undefined ? [] : ['-a', '-m', options.message];
  await runGit(['--git-dir', options.repoPath, 'tag', ...annotation, options.name, commit], {
    date: options.date,
  });
  return commit;
}
