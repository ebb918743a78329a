/**
 * Ed25519 signing of feed manifests and SHA-256 content hashes: the one place that touches
 * node:crypto for integrity (key material, signatures, content addresses).
 * Public keys travel as "ed25519:<base64 of the 32 raw bytes>" so a kiosk profile can carry one.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** SHA-256 of bytes or text, lowercase hex: how attachments and snapshots are addressed. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface BoardKeys {
  /** PKCS#8 PEM. Keep secret. */
  privatePem: string;
  /** "ed25519:…" */
  publicKey: string;
}

export function generateBoardKeys(): BoardKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: encodePublicKey(publicKey),
  };
}

export function publicKeyOf(privatePem: string): string {
  return encodePublicKey(createPublicKey(createPrivateKey(privatePem)));
}

function encodePublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return `ed25519:${der.subarray(SPKI_PREFIX.length).toString('base64')}`;
}

/** Parses "ed25519:…"; throws a readable error for anything else. */
export function decodePublicKey(text: string): KeyObject {
  const m = /^ed25519:([A-Za-z0-9+/]{43}=)$/.exec(text.trim());
  if (!m) throw new Error('public key must look like "ed25519:" followed by 44 base64 characters');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(m[1]!, 'base64')]), format: 'der', type: 'spki' });
}

/** Detached signature, base64. */
export function signBytes(bytes: Uint8Array, privatePem: string): string {
  return sign(null, bytes, createPrivateKey(privatePem)).toString('base64');
}

export function verifyBytes(bytes: Uint8Array, signatureB64: string, publicKey: string | KeyObject): boolean {
  const key = typeof publicKey === 'string' ? decodePublicKey(publicKey) : publicKey;
  try {
    return verify(null, bytes, key, Buffer.from(signatureB64.trim(), 'base64'));
  } catch {
    return false;
  }
}
