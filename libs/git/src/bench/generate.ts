// The benchmark repository, written with `git fast-import` so 5,000 files and 500 commits take a
// second: one commit with every file, then commits that each rewrite a handful of files.
import { spawn } from 'node:child_process';

export interface GenerateOptions {
  files: number;
  commits: number;
  /** Files rewritten per commit after the first. */
  filesPerCommit: number;
  /** First commit number (for appending commits to an existing branch). */
  startCommit?: number;
  /** Append to the branch's current head instead of starting the history. */
  append?: boolean;
}

function fileName(index: number): string {
  const dir = Math.floor(index / 100);
  return `dir${String(dir).padStart(3, '0')}/file${String(index).padStart(5, '0')}.yaml`;
}

function fileContent(index: number, revision: number): string {
  const lines = [`# file ${index} revision ${revision}`];
  for (let line = 0; line < 12; line += 1) {
    lines.push(`key${line}: value-${index}-${line}-${(index * 7919 + line * 104729 + revision) % 1000003}`);
  }
  return `${lines.join('\n')}\n`;
}

function commitHeader(number: number, message: string): string {
  const time = 1_700_000_000 + number * 60;
  const who = `Bench <bench@example.invalid> ${time} +0000`;
  return `commit refs/heads/main\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(message)}\n${message}\n`;
}

function inline(path: string, content: string): string {
  return `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
}

/** The fast-import stream for the options. */
export function fastImportStream(options: GenerateOptions): string {
  const parts: string[] = [];
  const start = options.startCommit ?? 0;
  for (let offset = 0; offset < options.commits; offset += 1) {
    const number = start + offset;
    parts.push(commitHeader(number, `commit ${number}\n`));
    if (offset === 0 && options.append) parts.push('from refs/heads/main^0\n');
    if (number === 0) {
      for (let index = 0; index < options.files; index += 1)
        parts.push(inline(fileName(index), fileContent(index, 0)));
      continue;
    }
    for (let k = 0; k < options.filesPerCommit; k += 1) {
      const index = (number * 37 + k * 499) % options.files;
      parts.push(inline(fileName(index), fileContent(index, number)));
    }
  }
  return parts.join('');
}

/** Feeds the stream to `git fast-import` in the bare repository. */
export async function fastImport(
  gitDir: string,
  options: GenerateOptions,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const child = spawn('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(fastImportStream(options));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`git fast-import failed (exit ${code}): ${stderr}`);
}
