/**
 * Sprig's key and certificate functions (genPrivateKey, genCA, genSelfSignedCert, genSignedCert,
 * their …WithKey variants and buildCustomCert): X.509 v3 certificates laid out as Go's
 * x509.CreateCertificate writes Sprig's templates (key usage, server+client auth, basic
 * constraints, SKI for CAs, AKI from the issuer, SANs), signed with node:crypto.
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { isIP } from 'node:net';
import { FuncError, GoStruct, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';
import {
  DerError,
  bitString,
  bool,
  children,
  dirString,
  explicit,
  integer,
  nullValue,
  octets,
  oid,
  readElement,
  seq,
  set,
  tlv,
  time,
} from './der.js';

interface CertTemplate {
  cn: string;
  ips: Buffer[];
  dnsNames: string[];
  days: number;
  isCA: boolean;
}

interface Issuer {
  name: Buffer;
  key: KeyObject;
  subjectKeyId: Buffer | null;
}

const KEY_USAGE_DIGITAL_SIGNATURE = 1 << 0;
const KEY_USAGE_KEY_ENCIPHERMENT = 1 << 2;
const KEY_USAGE_CERT_SIGN = 1 << 5;

function certificate(cert: string, key: string): GoStruct {
  return new GoStruct('sprig.certificate', { Cert: cert, Key: key });
}

function pem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** Sprig's pemBlockForKey: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for Ed25519. */
function keyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }) as string;
    default:
      return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

function name(cn: string): Buffer {
  return cn === '' ? seq() : seq(set(seq(oid('2.5.4.3'), dirString(cn))));
}

function keyUsageBits(ku: number): Buffer {
  let length = 0;
  const bytes = [0, 0];
  for (let i = 0; i < 9; i++) {
    if (ku & (1 << i)) {
      bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i % 8));
      length = i + 1;
    }
  }
  const n = (length + 7) >> 3;
  return bitString(Buffer.from(bytes.slice(0, n)), n * 8 - length);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** The subject public key bits, whose SHA-1 is Go's generated subject key identifier. */
function publicKeyBits(spki: Buffer): Buffer {
  const parts = children(readElement(spki).content);
  return (parts[1] as { content: Buffer }).content.subarray(1);
}

function extensions(t: CertTemplate, spki: Buffer, issuer: Issuer | null): Buffer {
  const ku = KEY_USAGE_DIGITAL_SIGNATURE | KEY_USAGE_KEY_ENCIPHERMENT | (t.isCA ? KEY_USAGE_CERT_SIGN : 0);
  const exts = [
    extension('2.5.29.15', true, keyUsageBits(ku)),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, t.isCA ? seq(bool(true)) : seq()),
  ];
  if (t.isCA)
    exts.push(extension('2.5.29.14', false, octets(createHash('sha1').update(publicKeyBits(spki)).digest())));
  if (issuer?.subjectKeyId) exts.push(extension('2.5.29.35', false, seq(tlv(0x80, issuer.subjectKeyId))));
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [
      ...t.dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
      ...t.ips.map((ip) => tlv(0x87, ip)),
    ];
    // The SAN is critical only when the subject is empty.
    exts.push(extension('2.5.29.17', t.cn === '', seq(...names)));
  }
  return explicit(3, seq(...exts));
}

function signatureAlgorithm(key: KeyObject): Buffer {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return seq(oid('1.2.840.113549.1.1.11'), nullValue());
    case 'ec':
      return seq(oid('1.2.840.10045.4.3.2'));
    case 'ed25519':
      return seq(oid('1.3.101.112'));
    default:
      throw new FuncError(`x509: unsupported signing key type ${key.asymmetricKeyType ?? ''}`);
  }
}

function createCertificate(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer | null): string {
  const signer = issuer?.key ?? subjectKey;
  const spki = createPublicKey(subjectKey).export({ type: 'spki', format: 'der' });
  const alg = signatureAlgorithm(signer);
  const now = new Date();
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(BigInt(`0x${randomBytes(16).toString('hex')}`)),
    alg,
    issuer?.name ?? name(t.cn),
    seq(time(now), time(new Date(now.getTime() + t.days * 86_400_000))),
    name(t.cn),
    spki,
    extensions(t, spki, issuer),
  );
  const digest = signer.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  const signature = sign(digest, tbs, signer);
  return pem('CERTIFICATE', seq(tbs, alg, bitString(signature)));
}

function ipBytes(v: GoValue): Buffer {
  const s = String(v);
  const family = isIP(s);
  if (family === 4) return Buffer.from(s.split('.').map(Number));
  if (family === 6) return ipv6Bytes(s);
  throw new FuncError(`error parsing ip: ${s}`);
}

function ipv6Bytes(s: string): Buffer {
  const [head = '', tail = ''] = s.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const h = parse(head);
  const t = s.includes('::') ? parse(tail) : [];
  const groups = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function list(v: GoValue, what: string): GoValue[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw new FuncError(`error, ${what} is not a list`);
  return v;
}

function baseTemplate(cn: string, ips: GoValue, names: GoValue, days: GoValue, isCA: boolean): CertTemplate {
  return {
    cn,
    ips: list(ips, 'ips').map(ipBytes),
    dnsNames: list(names, 'alternate names').map((n) => String(n)),
    days: Number(days as bigint),
    isCA,
  };
}

function rsaKey(bits: number): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
}

function parseKey(text: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    throw new FuncError('error decoding PEM block');
  }
}

/** The issuer's subject name and subject key identifier, read from its certificate. */
function issuerOf(ca: GoValue): Issuer {
  if (
    !(ca instanceof GoStruct) ||
    typeof ca.fields['Cert'] !== 'string' ||
    typeof ca.fields['Key'] !== 'string'
  )
    throw new FuncError('wrong type for value; expected sprig.certificate');
  try {
    const der = new X509Certificate(ca.fields['Cert']).raw;
    const tbs = children(readElement(children(readElement(der).content)[0]?.raw ?? Buffer.alloc(0)).content);
    const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const subject = tbs[offset + 4] as { raw: Buffer };
    return { name: subject.raw, key: parseKey(ca.fields['Key']), subjectKeyId: subjectKeyId(tbs) };
  } catch (e) {
    if (e instanceof FuncError) throw e;
    throw new FuncError(`error parsing CA certificate: ${(e as Error).message}`);
  }
}

function subjectKeyId(tbs: { tag: number; content: Buffer }[]): Buffer | null {
  const extBlock = tbs.find((e) => e.tag === 0xa3);
  if (!extBlock) return null;
  for (const ext of children(readElement(extBlock.content).content)) {
    const parts = children(ext.content);
    if (parts[0]?.raw.equals(oid('2.5.29.14'))) {
      const value = parts[parts.length - 1]?.content ?? Buffer.alloc(0);
      return readElement(value).content;
    }
  }
  return null;
}

function genPrivateKey(type: string): string {
  switch (type) {
    case '':
    case 'rsa':
      return keyPem(rsaKey(4096));
    case 'ecdsa':
      return keyPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    case 'ed25519':
      return keyPem(generateKeyPairSync('ed25519').privateKey);
    case 'dsa':
      // Sprig writes its own "DSA PRIVATE KEY" encoding; not implemented, so refuse rather than differ.
      throw new FuncError('genPrivateKey: dsa keys are not supported');
    default:
      return `Unknown type ${type}`;
  }
}

function buildCustomCert(b64Cert: string, b64Key: string): GoStruct {
  const cert = Buffer.from(b64Cert, 'base64').toString('utf8');
  const key = Buffer.from(b64Key, 'base64').toString('utf8');
  try {
    new X509Certificate(cert);
  } catch {
    throw new FuncError('error parsing certificate: decoded certificate is not valid PEM');
  }
  parseKey(key);
  return certificate(cert, key);
}

function issue(t: CertTemplate, key: KeyObject, issuer: Issuer | null): GoStruct {
  try {
    return certificate(createCertificate(t, key, issuer), keyPem(key));
  } catch (e) {
    if (e instanceof DerError) throw new FuncError(e.message);
    throw e;
  }
}

export function certFunctions(): FuncMap {
  const s = (v: GoValue): string => v as string;
  return {
    genPrivateKey: def('genPrivateKey', ['string'], (t) => genPrivateKey(s(t))),
    genCA: def('genCA', ['string', 'int'], (cn, d) =>
      issue(baseTemplate(s(cn), null, null, d, true), rsaKey(2048), null),
    ),
    genCAWithKey: def('genCAWithKey', ['string', 'int', 'string'], (cn, d, k) =>
      issue(baseTemplate(s(cn), null, null, d, true), parseKey(s(k)), null),
    ),
    genSelfSignedCert: def('genSelfSignedCert', ['string', 'any', 'any', 'int'], (cn, ips, names, d) =>
      issue(baseTemplate(s(cn), ips, names, d, false), rsaKey(2048), null),
    ),
    genSelfSignedCertWithKey: def(
      'genSelfSignedCertWithKey',
      ['string', 'any', 'any', 'int', 'string'],
      (cn, ips, names, d, k) => issue(baseTemplate(s(cn), ips, names, d, false), parseKey(s(k)), null),
    ),
    genSignedCert: def('genSignedCert', ['string', 'any', 'any', 'int', 'any'], (cn, ips, names, d, ca) =>
      issue(baseTemplate(s(cn), ips, names, d, false), rsaKey(2048), issuerOf(ca)),
    ),
    genSignedCertWithKey: def(
      'genSignedCertWithKey',
      ['string', 'any', 'any', 'int', 'any', 'string'],
      (...a) => {
        const [cn, ips, names, d, ca, k] = a as [GoValue, GoValue, GoValue, GoValue, GoValue, GoValue];
        return issue(baseTemplate(s(cn), ips, names, d, false), parseKey(s(k)), issuerOf(ca));
      },
    ),
    buildCustomCert: def('buildCustomCert', ['string', 'string'], (c, k) => buildCustomCert(s(c), s(k))),
  };
}
