import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** PEM material for an HTTPS face: the CA clients trust, and the server's certificate and key. */
export interface ArrayTls {
  /** The CA certificate (PEM) to give clients (`ssl_cert=`, `ca`). */
  ca: string;
  /** The CA's private key (PKCS#8 PEM), to issue more server certificates from the same CA. */
  caKey: string;
  cert: string;
  key: string;
}

export interface TlsOptions {
  /** Names and addresses the server certificate is valid for; default 127.0.0.1, localhost and ::1. */
  hosts?: string[];
  /** Issue from this CA (PEM certificate and PKCS#8 key, e.g. a lab's) instead of a new one. */
  ca?: { cert: string; key: string };
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86400 * 1000;
const DEFAULT_HOSTS = ['127.0.0.1', 'localhost', '::1'];
const crypto = webcrypto;
// The library is typed with the DOM's WebCrypto types; Node's WebCrypto is the same API, so the
// keys are cast once where they are made or imported.
type DomCrypto = Parameters<typeof x509.cryptoProvider.set>[0];
type CryptoKeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type CryptoKey = CryptoKeyPair['privateKey'];
x509.cryptoProvider.set(crypto as unknown as DomCrypto);
const newKeys = async (): Promise<CryptoKeyPair> => (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;

const keyPem = async (k: CryptoKey): Promise<string> =>
  x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', k as unknown as webcrypto.CryptoKey), 'PRIVATE KEY');
const serial = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');

async function newCa(): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=arraysim test CA, O=Protector',
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 3650 * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function loadCa(ca: { cert: string; key: string }): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const cert = new x509.X509Certificate(ca.cert);
  const der = x509.PemConverter.decode(ca.key)[0];
  if (!der) throw new Error('the CA key is not a PEM private key');
  const privateKey = (await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as unknown as CryptoKey;
  return { cert, keys: { privateKey, publicKey: await cert.publicKey.export() } };
}

const isIp = (h: string): boolean => /^[\d.]+$/.test(h) || h.includes(':');

/**
 * A CA and a server certificate issued by it, made in-process with WebCrypto (no openssl binary):
 * ECDSA P-256 keys, so it takes milliseconds. The certificates carry what strict verifiers
 * (OpenSSL's X509_STRICT, Python 3.13's default) require: key identifiers, CA key usage, the
 * server's names as subjectAltName.
 */
export async function createSelfSignedTls(opts: TlsOptions = {}): Promise<ArrayTls> {
  const ca = opts.ca ? await loadCa(opts.ca) : await newCa();
  const hosts = opts.hosts ?? DEFAULT_HOSTS;
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hosts[0] ?? 'localhost'}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 825 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(hosts.map((h) => ({ type: isIp(h) ? 'ip' : 'dns', value: h })), false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { ca: ca.cert.toString('pem'), caKey: await keyPem(ca.keys.privateKey), cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}

/**
 * A CA kept in two PEM files (certificate, PKCS#8 key), made on first use: a lab or a cloudsim
 * site issues its array faces' certificates from it on every start, so clients trust one file.
 */
export async function ensureCaFiles(certFile: string, keyFile: string): Promise<{ cert: string; key: string }> {
  const have = [existsSync(certFile), existsSync(keyFile)];
  if (have[0] && have[1]) return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  if (have[0] || have[1]) throw new Error(`found only one of the CA files ${certFile} and ${keyFile}; remove it or supply both`);
  const made = await createSelfSignedTls();
  for (const f of [certFile, keyFile]) mkdirSync(dirname(f), { recursive: true });
  writeFileSync(keyFile, made.caKey, { mode: 0o600 });
  writeFileSync(certFile, made.ca);
  return { cert: made.ca, key: made.caKey };
}
