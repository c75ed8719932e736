// known_hosts as OpenSSH reads it: plain and hashed (`|1|salt|hmac`) host patterns, `[host]:port`
// for non-default ports, `*`/`?` wildcards, `!` negation and the `@revoked` marker. Used to pick the
// host key algorithms to offer and to check the key the server presents.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, … */
  type: string;
  /** The raw public key blob. */
  key: Buffer;
  revoked: boolean;
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** Whether a comma-separated host pattern list matches one of the names (negations win). */
function patternsMatch(patterns: string, names: string[]): boolean {
  if (patterns.startsWith('|')) return names.some((name) => hashedMatch(patterns, name));
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!names.some((name) => wildcardMatch(body, name))) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The keys known_hosts lists for host:port (certificate authorities are not supported and skipped). */
export function knownHostKeys(knownHosts: string, host: string, port: number): KnownHostKey[] {
  // OpenSSH also accepts the bare host for port 22 entries only; `[host]:port` is the rule otherwise.
  const names = [knownHostsName(host, port)];
  const keys: KnownHostKey[] = [];
  for (const rawLine of knownHosts.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [patterns, type, base64] = fields;
    if (!patterns || !type || !base64 || marker === '@cert-authority') continue;
    if (!patternsMatch(patterns, names)) continue;
    keys.push({ type, key: Buffer.from(base64, 'base64'), revoked: marker === '@revoked' });
  }
  return keys;
}

/** OpenSSH's fingerprint format: `SHA256:<base64 without padding>`. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (its first SSH string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** Host key algorithms to offer so the server presents a key type known_hosts has. */
export function hostKeyAlgorithms(keys: KnownHostKey[]): string[] {
  const algorithms: string[] = [];
  for (const { type, revoked } of keys) {
    if (revoked) continue;
    // An RSA key signs with SHA-2 on current servers; `ssh-rsa` (SHA-1) last, for old ones.
    const forType = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
    for (const algorithm of forType) if (!algorithms.includes(algorithm)) algorithms.push(algorithm);
  }
  return algorithms;
}
