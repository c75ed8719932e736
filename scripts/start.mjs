#!/usr/bin/env node
// `npm start`: installs and builds when needed, then runs all six controllers in one process on
// embedded defaults (see README). Extra arguments go to `flotilla run`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json')))
  run('npm', ['ci', '--no-audit', '--no-fund']);
// Nx caches builds, so this is quick when nothing changed.
run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static']);

const node = join(root, 'node_modules', '.bin', 'node');
const cli = join(root, 'libs', 'cli', 'dist', 'bin.js');
const child = spawn(node, ['--openssl-legacy-provider', cli, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
// npm may receive the signal instead of our child: pass it on so shutdown is graceful.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
