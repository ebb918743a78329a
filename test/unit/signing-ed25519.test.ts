import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePublicKey, generateBoardKeys, publicKeyOf, signBytes, verifyBytes } from '../../src-main/publication/signing.ts';

const bytes = Buffer.from(JSON.stringify({ format: 'deska-feed/1', snapshot: { seq: 7 }, notices: ['Veřejná vyhláška'] }), 'utf8');

test('a signature over the exact bytes verifies with the board public key, as text or key object', () => {
  const keys = generateBoardKeys();
  assert.match(keys.publicKey, /^ed25519:[A-Za-z0-9+/]{43}=$/);
  assert.equal(publicKeyOf(keys.privatePem), keys.publicKey);
  const sig = signBytes(bytes, keys.privatePem);
  assert.equal(Buffer.from(sig, 'base64').length, 64);
  assert.equal(verifyBytes(bytes, sig, keys.publicKey), true);
  assert.equal(verifyBytes(bytes, `${sig}\n`, decodePublicKey(`  ${keys.publicKey}\n`)), true);
});

test('one changed byte, a changed signature, or another board key fails', () => {
  const keys = generateBoardKeys();
  const sig = signBytes(bytes, keys.privatePem);
  for (const i of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const tampered = Buffer.from(bytes);
    tampered[i]! ^= 0x01;
    assert.equal(verifyBytes(tampered, sig, keys.publicKey), false, `byte ${i}`);
  }
  const raw = Buffer.from(sig, 'base64');
  raw[10]! ^= 0x80;
  assert.equal(verifyBytes(bytes, raw.toString('base64'), keys.publicKey), false);
  assert.equal(verifyBytes(bytes, raw.subarray(0, 63).toString('base64'), keys.publicKey), false, 'short signature');
  assert.equal(verifyBytes(bytes, '', keys.publicKey), false);
  assert.equal(verifyBytes(bytes, sig, generateBoardKeys().publicKey), false);
});

test('a malformed public key gives a readable error', () => {
  const keys = generateBoardKeys();
  const b64 = keys.publicKey.slice('ed25519:'.length);
  for (const bad of ['', b64, `rsa:${b64}`, `ed25519:${b64.slice(0, 20)}`, `ed25519:${b64}AAAA`, '-----BEGIN PUBLIC KEY-----']) {
    assert.throws(() => decodePublicKey(bad), { message: 'public key must look like "ed25519:" followed by 44 base64 characters' }, JSON.stringify(bad));
    assert.throws(() => verifyBytes(bytes, 'AAAA', bad), /public key must look like "ed25519:"/);
  }
});
