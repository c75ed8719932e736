// `npm run bench:git`: our checkout (isomorphic-git over our HTTP plugin) against the git CLI on the
// same generated repository (5,000 files, 500 commits) served by `git http-backend`: a clone from
// scratch (shallow, as Flux clones branches, and full), then fetch + update after 10 new commits.
// Runs alternate ours/git so load on a shared machine hits both alike; figures are medians. Wall
// time is what users wait for; CPU time (ours: this process; git: the git process and its children)
// is printed too because it is far less disturbed by other work on the machine. Last line: headline.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
// The benchmark needs the real test server; it is a dev tool, never imported by the library.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { gitEnvironment, makeTempDir, removeDir, runGit, startGitHttpServer } from '@flotilla/testing';
import { checkout } from '../checkout.js';
import { fastImport } from './generate.js';

export interface BenchOptions {
  files: number;
  commits: number;
  newCommits: number;
  runs: number;
}

export const DEFAULT_OPTIONS: BenchOptions = { files: 5000, commits: 500, newCommits: 10, runs: 3 };

/** Wall and CPU milliseconds of one measured step. */
export interface Cost {
  wall: number;
  cpu: number;
}

function parseSeconds(text: string): number {
  const match = /(\d+)m([\d.]+)s/.exec(text);
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 1000 : 0;
}

/** Runs git under bash and reads the CPU time of git and its children from bash's `times`. */
async function git(args: string[], cwd?: string): Promise<Cost> {
  const start = performance.now();
  const relay = process.cpuUsage();
  const script = 'git "$@" >/dev/null || exit $?; times >&3';
  const child = spawn('bash', ['-c', script, 'bash', ...args], {
    cwd,
    env: gitEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let times = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdio[3]?.on('data', (chunk: Buffer) => (times += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${code}): ${stderr}`);
  const childLine = times.trim().split('\n')[1] ?? '';
  const [user = '', system = ''] = childLine.split(/\s+/);
  // This process relays the test server's HTTP traffic; that share is counted for git as for us.
  const relayed = process.cpuUsage(relay);
  const cpu = parseSeconds(user) + parseSeconds(system) + (relayed.user + relayed.system) / 1000;
  return { wall: performance.now() - start, cpu };
}

/** Our side: CPU of this process, the in-process test server's relay included as for git. */
async function ours(action: () => Promise<unknown>): Promise<Cost> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await action();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function medianCost(samples: Cost[]): Cost {
  return { wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) };
}

interface Scenario {
  name: string;
  run(dir: string): Promise<Cost>;
}

/** Runs git's and our scenario alternately, each in a fresh directory. */
async function measurePair(work: string, pair: [Scenario, Scenario], runs: number): Promise<[Cost, Cost]> {
  const first: Cost[] = [];
  const second: Cost[] = [];
  for (let run = 0; run < runs; run += 1) {
    for (const [scenario, samples] of [
      [pair[0], first],
      [pair[1], second],
    ] as const) {
      const dir = join(work, `${scenario.name}-${run}`);
      samples.push(await scenario.run(dir));
      await rm(dir, { recursive: true, force: true });
    }
  }
  return [medianCost(first), medianCost(second)];
}

export interface BenchFigures {
  cloneGitShallow: Cost;
  cloneOurs: Cost;
  cloneGitFull: Cost;
  cloneOursFull: Cost;
  fetchGit: Cost;
  fetchOurs: Cost;
}

interface Served {
  url: string;
  repoPath: string;
}

/** Both sides start from a full clone; each round adds `newCommits` commits and updates both. */
async function measureIncremental(
  work: string,
  served: Served,
  options: BenchOptions,
): Promise<[Cost, Cost]> {
  const { url, repoPath } = served;
  const ref = { branch: 'main' };
  const oursDir = join(work, 'ours-incremental');
  const gitDir = join(work, 'git-incremental');
  await checkout({ url, ref, dir: oursDir, shallow: false });
  await git(['clone', '-q', '--single-branch', '--branch=main', url, gitDir]);
  const gitCosts: Cost[] = [];
  const ourCosts: Cost[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const startCommit = options.commits + run * options.newCommits;
    await fastImport(
      repoPath,
      { files: options.files, commits: options.newCommits, filesPerCommit: 10, startCommit, append: true },
      gitEnvironment(),
    );
    const fetched = await git(['fetch', '-q', 'origin', 'main'], gitDir);
    const merged = await git(['merge', '-q', '--ff-only', 'FETCH_HEAD'], gitDir);
    gitCosts.push({ wall: fetched.wall + merged.wall, cpu: fetched.cpu + merged.cpu });
    ourCosts.push(await ours(() => checkout({ url, ref, dir: oursDir, shallow: false })));
  }
  return [medianCost(gitCosts), medianCost(ourCosts)];
}

export async function runBench(
  options: BenchOptions = DEFAULT_OPTIONS,
  log = console.log,
): Promise<BenchFigures> {
  const server = await startGitHttpServer();
  const work = await makeTempDir('git-bench');
  try {
    const repo = await server.createRepo('bench');
    const started = performance.now();
    await fastImport(
      repo.path,
      { files: options.files, commits: options.commits, filesPerCommit: 10 },
      gitEnvironment(),
    );
    await runGit(['--git-dir', repo.path, 'repack', '-adq']);
    log(
      `generated ${options.files} files, ${options.commits} commits in ${Math.round(performance.now() - started)} ms`,
    );
    const url = server.repoUrl('bench');
    const ref = { branch: 'main' };
    // Warm-up, untimed: a controller is a long-running process, so JIT warm-up is not its cost.
    await checkout({ url, ref, dir: join(work, 'warm-up') });
    await rm(join(work, 'warm-up'), { recursive: true, force: true });
    const clone = (args: string[]) => (dir: string) =>
      git(['clone', '-q', '--single-branch', '--branch=main', ...args, url, dir]);
    const [cloneGitShallow, cloneOurs] = await measurePair(
      work,
      [
        { name: 'git-shallow', run: clone(['--depth=1']) },
        { name: 'ours-shallow', run: (dir) => ours(() => checkout({ url, ref, dir })) },
      ],
      options.runs,
    );
    const [cloneGitFull, cloneOursFull] = await measurePair(
      work,
      [
        { name: 'git-full', run: clone([]) },
        { name: 'ours-full', run: (dir) => ours(() => checkout({ url, ref, dir, shallow: false })) },
      ],
      options.runs,
    );
    const [fetchGit, fetchOurs] = await measureIncremental(work, { url, repoPath: repo.path }, options);
    return { cloneGitShallow, cloneOurs, cloneGitFull, cloneOursFull, fetchGit, fetchOurs };
  } finally {
    await server.stop();
    await removeDir(work);
  }
}

function ratio(ours: number, theirs: number): string {
  return (ours / theirs).toFixed(2);
}

export function report(figures: BenchFigures, log = console.log): void {
  const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);
  const line = (label: string, gitLabel: string, ours: Cost, theirs: Cost) =>
    log(
      `${label.padEnd(27)} ours ${ms(ours.wall)} (cpu ${ms(ours.cpu)})   ${gitLabel.padEnd(20)} ${ms(theirs.wall)} (cpu ${ms(theirs.cpu)})   ratio wall ${ratio(ours.wall, theirs.wall)}, cpu ${ratio(ours.cpu, theirs.cpu)}`,
    );
  line('clone, shallow (depth 1)', 'git clone --depth=1', figures.cloneOurs, figures.cloneGitShallow);
  line('clone, full history', 'git clone', figures.cloneOursFull, figures.cloneGitFull);
  line('fetch 10 commits + update', 'git fetch + merge', figures.fetchOurs, figures.fetchGit);
  log(`load average during the run: ${loadavg()[0]?.toFixed(1)} (figures on a busy machine are noisy)`);
  log(`ratio ours/git (clone): ${ratio(figures.cloneOurs.wall, figures.cloneGitShallow.wall)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string' },
      commits: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const options: BenchOptions = {
    ...DEFAULT_OPTIONS,
    ...(values.files ? { files: Number(values.files) } : {}),
    ...(values.commits ? { commits: Number(values.commits) } : {}),
    ...(values.runs ? { runs: Number(values.runs) } : {}),
  };
  report(await runBench(options));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
