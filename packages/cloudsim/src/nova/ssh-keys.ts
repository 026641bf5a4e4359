import { createHash, generateKeyPairSync } from 'node:crypto';
import { badRequest } from '../http/errors.js';

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

/** An SSH mpint: big-endian, with a leading zero when the top bit is set. */
function sshMpint(buf: Buffer): Buffer {
  const trimmed = buf[0] !== undefined && buf[0] & 0x80 ? Buffer.concat([Buffer.from([0]), buf]) : buf;
  return sshString(trimmed);
}

/** A new RSA key pair as Nova hands it out: OpenSSH public key and PEM private key. */
export function generateSshKey(comment: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshMpint(Buffer.from(jwk.e ?? '', 'base64url')),
    sshMpint(Buffer.from(jwk.n ?? '', 'base64url')),
  ]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** MD5 fingerprint of an OpenSSH public key (aa:bb:…), or 400 as Nova says it. */
export function sshFingerprint(publicKey: string): string {
  const parts = publicKey.trim().split(/\s+/);
  const blob = parts[1] ? Buffer.from(parts[1], 'base64') : Buffer.alloc(0);
  const typeLen = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const type = typeLen > 0 && blob.length >= 4 + typeLen ? blob.subarray(4, 4 + typeLen).toString() : '';
  if (!parts[0]?.startsWith('ssh-') && !parts[0]?.startsWith('ecdsa-') || type !== parts[0]) {
    throw badRequest('Keypair data is invalid: failed to generate fingerprint');
  }
  return (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');
}
