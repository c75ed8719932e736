// Throwaway X.509 material for test servers (TLS registries, token signers), made with the openssl
// CLI because Node can verify certificates but not issue them.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from './process.js';

const run = promisify(execFile);

export interface TestCertificate {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM private key (PKCS#8, EC P-256). */
  readonly key: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestPki {
  /** The CA that signed `server`; what a client must trust. */
  readonly ca: TestCertificate;
  /** A server certificate for 127.0.0.1 and localhost. */
  readonly server: TestCertificate;
  /** A client certificate (extendedKeyUsage clientAuth) signed by the same CA. */
  readonly client: TestCertificate;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const binary = requireBinary('openssl', 'openssl');
  await run(binary, args, { cwd });
}

async function loaded(dir: string, name: string): Promise<TestCertificate> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return {
    cert: await readFile(certPath, 'utf8'),
    key: await readFile(keyPath, 'utf8'),
    certPath,
    keyPath,
  };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed certificate (no CA hierarchy), e.g. to sign registry tokens. Files go to `dir`. */
export async function makeSelfSignedCertificate(
  dir: string,
  name: string,
  commonName: string,
): Promise<TestCertificate> {
  await openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
    ],
    dir,
  );
  return loaded(dir, name);
}

async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await openssl(['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

/** A CA plus a server certificate for 127.0.0.1/localhost and a client certificate, in `dir`. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=flotilla-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await issue(
    dir,
    'server',
    '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  await issue(dir, 'client', '/CN=flotilla-test-client', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: await loaded(dir, 'ca'),
    server: await loaded(dir, 'server'),
    client: await loaded(dir, 'client'),
  };
}
