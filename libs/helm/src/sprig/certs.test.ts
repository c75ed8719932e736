import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Template, type GoMap } from '@flotilla/gotemplate';
import { sprigFunctions } from './index.js';

const render = (t: string, data: GoMap = {}): string =>
  Template.parse('t', t, { funcs: sprigFunctions() }).execute(data);

describe('certificates', () => {
  it("genCA and genSignedCert build a verifiable chain with Sprig's extensions", () => {
    const out = render(
      '{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc.ns" (list "10.0.0.1" "::1") (list "svc" "svc.ns.svc") 30 $ca }}{{ $ca.Cert }}@@{{ $c.Cert }}@@{{ $c.Key }}',
    );
    const [caPem = '', certPem = '', keyPem = ''] = out.split('@@');
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    expect(ca.subject).toBe('CN=my-ca');
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=svc.ns');
    expect(cert.issuer).toBe('CN=my-ca');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:svc, DNS:svc.ns.svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(keyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' })).toBe(
      cert.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
  });

  it('genSelfSignedCertWithKey and buildCustomCert reuse given material', () => {
    const key = render('{{ genPrivateKey "ecdsa" }}');
    expect(key.startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true);
    const cert = render('{{ (genSelfSignedCertWithKey "x" nil nil 10 .key).Cert }}', { key });
    const x = new X509Certificate(cert);
    expect(x.verify(createPublicKey(createPrivateKey(key)))).toBe(true);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    expect(render('{{ (buildCustomCert .c .k).Cert }}', { c: b64(cert), k: b64(key) })).toBe(cert);
    expect(render('{{ genPrivateKey "nope" }}')).toBe('Unknown type nope');
    expect(render('{{ genPrivateKey "ed25519" }}')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
