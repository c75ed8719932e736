#!/usr/bin/env node
// Installs what the test suites need and a fresh machine lacks: npm packages (npm ci) and the
// Debian packages of the real servers the tests start. Safe to run repeatedly; fast when all is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// binary -> Debian package that provides it
const SERVER_PACKAGES = [
  ['nats-server', 'nats-server'],
  ['docker-registry', 'docker-registry'],
  ['sshd', 'openssh-server'],
  ['ssh', 'openssh-client'],
  ['git', 'git'],
  // libs/sops checks its age and OpenPGP data keys against the real tools.
  ['age', 'age'],
  ['gpg', 'gnupg'],
  // Test certificates (libs/testing certs.ts: TLS git and registry servers) are made with openssl.
  ['openssl', 'openssl'],
];

function onPath(binary) {
  const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/local/sbin`;
  return spawnSync('sh', ['-c', `command -v ${binary}`], { env: { ...process.env, PATH } }).status === 0;
}

function run(command, args, options = {}) {
  console.error(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`ensure-test-deps: '${command} ${args.join(' ')}' failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

const missing = SERVER_PACKAGES.filter(([binary]) => !onPath(binary)).map(([, pkg]) => pkg);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `ensure-test-deps: missing Debian packages: ${missing.join(' ')} — run: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...new Set(missing)], { env });
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
