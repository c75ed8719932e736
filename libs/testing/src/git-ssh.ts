// git over SSH: a private OpenSSH sshd on a free loopback port with its own config, host keys and
// authorized_keys in a temp dir (the system's /etc/ssh is never read), logging in the current user
// by key only. Repositories are served by path, so the repo root can be shared with git-http.
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createBareRepo, repoPathFor, type CreateRepoOptions, type CreatedRepo } from './git-repos.js';
import { summaryLine } from './http-server.js';
import {
  LOOPBACK,
  awaitServerStart,
  freePort,
  makeTempDir,
  removeDir,
  requireBinary,
  startProcess,
  type ManagedProcess,
} from './process.js';

const execFileAsync = promisify(execFile);

export interface GitSshServerOptions {
  /** Directory of bare repositories to serve; `<temp dir>/repos` (removed by stop()) when absent. */
  repoRoot?: string;
}

export interface SshKeyPair {
  /** Private key file content: OpenSSH format for ed25519, PEM (`BEGIN RSA PRIVATE KEY`) for RSA. */
  readonly privateKey: string;
  readonly privateKeyPath: string;
  /** `ssh-ed25519 AAAA…` / `ssh-rsa AAAA…`, without comment. */
  readonly publicKey: string;
}

export interface RunningGitSshServer {
  readonly host: string;
  readonly port: number;
  /** The login user: whoever runs the tests. */
  readonly user: string;
  /** ssh://USER@127.0.0.1:PORT */
  readonly url: string;
  readonly repoRoot: string;
  /** Authorised ed25519 client key (OpenSSH private key format). */
  readonly clientKey: SshKeyPair;
  /** Authorised RSA client key (PEM private key), for clients that only read PEM. */
  readonly clientRsaKey: SshKeyPair;
  /** The server's ed25519 host key, `ssh-ed25519 AAAA…`. */
  readonly hostPublicKey: string;
  readonly hostRsaPublicKey: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` */
  readonly knownHosts: string;
  /** A file holding the known_hosts line. */
  readonly knownHostsPath: string;
  /** `ssh://USER@127.0.0.1:PORT/abs/path/<name>.git` */
  repoUrl(name: string): string;
  createRepo(name: string, options?: Omit<CreateRepoOptions, 'root' | 'name'>): Promise<CreatedRepo>;
  /**
   * A GIT_SSH_COMMAND that uses only the given (default: the authorised ed25519) key and known_hosts
   * file, checks the host key strictly and never prompts or reads the user's ssh config.
   */
  sshCommand(options?: { privateKeyPath?: string; knownHostsPath?: string }): string;
  summary(): string;
  stop(): Promise<void>;
}

async function generateKey(options: {
  path: string;
  type: 'ed25519' | 'rsa';
  pem?: boolean;
}): Promise<SshKeyPair> {
  const keygen = requireBinary('ssh-keygen', 'openssh-client');
  const typeArgs = options.type === 'rsa' ? ['-t', 'rsa', '-b', '2048'] : ['-t', 'ed25519'];
  const formatArgs = options.pem ? ['-m', 'PEM'] : [];
  await execFileAsync(keygen, [
    '-q',
    ...typeArgs,
    ...formatArgs,
    '-N',
    '',
    '-C',
    'flotilla-test',
    '-f',
    options.path,
  ]);
  const publicLine = (await readFile(`${options.path}.pub`, 'utf8')).trim();
  return {
    privateKey: await readFile(options.path, 'utf8'),
    privateKeyPath: options.path,
    publicKey: publicLine.split(/\s+/).slice(0, 2).join(' '),
  };
}

/** A known_hosts line for a non-default port. */
export function knownHostsLine(port: number, publicKey: string): string {
  return `[${LOOPBACK}]:${port} ${publicKey}`;
}

function sshdConfig(options: { port: number; dir: string; user: string }): string {
  const { port, dir } = options;
  return [
    `Port ${port}`,
    `ListenAddress ${LOOPBACK}`,
    'AddressFamily inet',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `HostKey ${join(dir, 'ssh_host_rsa_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${options.user}`,
    // Tests run as root in CI: allow it, by key only.
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    // No PAM: it would need the system's /etc/pam.d/sshd and root.
    'UsePAM no',
    // Temp dir ownership and modes are not sshd's business here.
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    // Lets a client ask for protocol v2 over ssh.
    'AcceptEnv GIT_PROTOCOL',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'PermitTunnel no',
    'MaxStartups 100',
    'MaxSessions 100',
    'LogLevel INFO',
    '',
  ].join('\n');
}

// sshd started by root privilege-separates into the compile-time directory /run/sshd, which only
// exists once the system's ssh service has run; containers that never ran it lack the empty dir.
async function ensurePrivsepDir(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const existing = await stat('/run/sshd').catch(() => undefined);
  if (!existing) await mkdir('/run/sshd', { mode: 0o755, recursive: true });
}

// Something else may have taken the port between freePort() and sshd's bind; only sshd's own log
// line proves the port is ours.
async function waitForListening(proc: ManagedProcess, port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!proc.output().includes(`Server listening on ${LOOPBACK} port ${port}`)) {
    if (proc.child.exitCode !== null) throw new Error(`exited with code ${proc.child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`no "Server listening" line after 15000 ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function prepareSshdFiles(dir: string, port: number, user: string) {
  const [hostKey, hostRsaKey, clientKey, clientRsaKey] = await Promise.all([
    generateKey({ path: join(dir, 'ssh_host_ed25519_key'), type: 'ed25519' }),
    generateKey({ path: join(dir, 'ssh_host_rsa_key'), type: 'rsa' }),
    generateKey({ path: join(dir, 'id_ed25519'), type: 'ed25519' }),
    generateKey({ path: join(dir, 'id_rsa'), type: 'rsa', pem: true }),
  ]);
  await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n${clientRsaKey.publicKey}\n`, {
    mode: 0o600,
  });
  const knownHosts = knownHostsLine(port, hostKey.publicKey);
  const knownHostsPath = join(dir, 'known_hosts');
  await writeFile(knownHostsPath, `${knownHosts}\n`);
  const configPath = join(dir, 'sshd_config');
  await writeFile(configPath, sshdConfig({ port, dir, user }));
  return { hostKey, hostRsaKey, clientKey, clientRsaKey, knownHosts, knownHostsPath, configPath };
}

/** Starts a private sshd serving git repositories to the current user over key auth. */
export async function startGitSshServer(options: GitSshServerOptions = {}): Promise<RunningGitSshServer> {
  const sshd = requireBinary('sshd', 'openssh-server', ['/usr/sbin', '/usr/local/sbin']);
  requireBinary('git', 'git');
  const dir = await makeTempDir('git-ssh');
  let proc: ManagedProcess | undefined;
  try {
    const repoRoot = options.repoRoot ?? join(dir, 'repos');
    await mkdir(repoRoot, { recursive: true });
    const port = await freePort();
    const user = userInfo().username;
    const files = await prepareSshdFiles(dir, port, user);
    await ensurePrivsepDir();
    proc = startProcess(sshd, ['-D', '-e', '-f', files.configPath], { cwd: dir });
    const running = proc;
    await awaitServerStart('sshd', running, port, () => waitForListening(running, port));
    const url = `ssh://${user}@${LOOPBACK}:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      host: LOOPBACK,
      port,
      user,
      url,
      repoRoot,
      clientKey: files.clientKey,
      clientRsaKey: files.clientRsaKey,
      hostPublicKey: files.hostKey.publicKey,
      hostRsaPublicKey: files.hostRsaKey.publicKey,
      knownHosts: files.knownHosts,
      knownHostsPath: files.knownHostsPath,
      repoUrl: (name) => `${url}${repoPathFor(repoRoot, name)}`,
      createRepo: (name, repoOptions = {}) => createBareRepo({ ...repoOptions, root: repoRoot, name }),
      sshCommand(commandOptions = {}) {
        const key = commandOptions.privateKeyPath ?? files.clientKey.privateKeyPath;
        const knownHostsFile = commandOptions.knownHostsPath ?? files.knownHostsPath;
        return [
          'ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none',
          `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${shellQuote(knownHostsFile)}`,
          `-o GlobalKnownHostsFile=/dev/null -i ${shellQuote(key)}`,
        ].join(' ');
      },
      summary: () =>
        summaryLine('git-ssh', url, [
          `user=${user}`,
          `key=${files.clientKey.privateKeyPath}`,
          `known_hosts=${files.knownHostsPath}`,
          `repos=${repoRoot}`,
        ]),
      stop() {
        stopping ??= running.stop().then(() => removeDir(dir));
        return stopping;
      },
    };
  } catch (error) {
    await proc?.stop();
    await removeDir(dir);
    throw error;
  }
}
