import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile, ProfileError } from '../../src-main/kiosk/profile.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const key = generateBoardKeys().publicKey;

test('a complete profile loads, with relative paths resolved against the profile file', () => {
  using dir = tempDir();
  mkdirSync(join(dir.path, 'keys'));
  writeFileSync(join(dir.path, 'keys', 'board.pub'), `${key}\n`);
  const path = writeProfile(dir.path, {
    feed: { folder: 'share/feed' },
    publicKeyFile: 'keys/board.pub',
    dataDir: 'data/k1',
    reportToken: 'secret',
  });
  const p = loadProfile(path, {});
  assert.deepEqual(p.feed, { kind: 'folder', path: join(dir.path, 'share/feed') });
  assert.equal(p.publicKey, key);
  assert.equal(p.dataDir, join(dir.path, 'data/k1'));
  assert.equal(p.reportToken, 'secret');
  assert.equal(p.pollSeconds, 60);
});

test('the report token falls back to DESKA_KIOSK_TOKEN', () => {
  using dir = tempDir();
  const path = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key });
  assert.equal(loadProfile(path, { DESKA_KIOSK_TOKEN: 'from-env' }).reportToken, 'from-env');
  assert.equal(loadProfile(path, {}).reportToken, null);
});

test('the shipped profiles are valid once the demo key exists', () => {
  using dir = tempDir();
  mkdirSync(join(dir.path, 'kiosk-profiles'));
  mkdirSync(join(dir.path, 'demo-data', 'keys'), { recursive: true });
  writeFileSync(join(dir.path, 'demo-data', 'keys', 'board.pub'), key);
  for (const name of ['lobby-landscape.json', 'entrance-portrait.json', 'village-same-machine.json', 'network-share.json']) {
    const copy = join(dir.path, 'kiosk-profiles', name);
    writeFileSync(copy, readShipped(name));
    const p = loadProfile(copy, {});
    assert.equal(p.board, 'demo');
    assert.equal(p.dataDir, join(dir.path, 'demo-data', 'kiosks', p.kioskId));
  }
});

function readShipped(name: string): string {
  return readFileSync(join(import.meta.dirname, '../../kiosk-profiles', name), 'utf8');
}

function problemsOf(fields: Record<string, unknown>): string {
  using dir = tempDir();
  const path = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key, ...fields });
  try {
    loadProfile(path, {});
  } catch (e) {
    assert.ok(e instanceof ProfileError);
    assert.ok(e.message.includes(path), 'the message names the profile file');
    return e.message;
  }
  assert.fail('profile should have been refused');
}

test('an unknown key is refused by name, listing the allowed fields', () => {
  const m = problemsOf({ orientaton: 'portrait' });
  assert.match(m, /unknown field "orientaton"/);
  assert.match(m, /allowed fields: .*orientation/);
});

test('each wrong field says what it got and what is expected', () => {
  assert.match(problemsOf({ orientation: 'sideways' }), /"orientation" is "sideways"; expected "landscape" or "portrait"/);
  assert.match(problemsOf({ kioskId: 'Lobby 1' }), /"kioskId" is "Lobby 1"; expected a slug/);
  assert.match(problemsOf({ languages: [] }), /"languages" is \[\]; expected a non-empty list/);
  assert.match(problemsOf({ idleTimeoutSeconds: 2 }), /"idleTimeoutSeconds" is 2; expected a whole number of seconds from 10/);
  assert.match(problemsOf({ screenSchedule: { on: '25:00', off: '22:00' } }), /"screenSchedule" .*expected \{ "on": "HH:MM"/);
  assert.match(problemsOf({ accessibility: { reachMode: 'yes', fontScale: 1, highContrast: false } }), /"accessibility.reachMode" is "yes"; expected true or false/);
  assert.match(problemsOf({ feed: { url: 'http://127.0.0.1:8080/feed/other/' } }), /"feed.url" .*ending in "\/feed\/testov\/"/);
  assert.match(problemsOf({ feed: { ftp: 'x' } }), /"feed" is \{"ftp":"x"\}; expected \{ "url"/);
  assert.match(problemsOf({ publicKey: 'ed25519:short' }), /"publicKey" is "ed25519:short"; expected "ed25519:" followed by 44 base64/);
});

test('all problems are reported at once', () => {
  const m = problemsOf({ orientation: 'x', languages: 'cs', pollSeconds: 0 });
  assert.match(m, /3 problem\(s\)/);
});

test('publicKey and publicKeyFile: exactly one, and a missing key file is explained', () => {
  assert.match(problemsOf({ publicKeyFile: 'nope.pub' }), /exactly one of "publicKey"/);
  using dir = tempDir();
  const path = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKeyFile: 'keys/missing.pub' });
  assert.throws(() => loadProfile(path, {}), (e: Error) => e.message.includes(join(dir.path, 'keys/missing.pub')) && /deska init/.test(e.message));
});

test('invalid JSON names the file', () => {
  using dir = tempDir();
  const path = join(dir.path, 'broken.json');
  writeFileSync(path, '{ "kioskId": ');
  assert.throws(() => loadProfile(path, {}), (e: Error) => e instanceof ProfileError && e.message.includes(path) && /not valid JSON/.test(e.message));
});

/** The problems of a refused profile, one per "  - " item, each with its lines. */
function itemsOf(message: string): string[] {
  return message.split('\n  - ').slice(1);
}

test('the checks the schema cannot make speak English and Czech too, like the schema\'s own findings', () => {
  using dir = tempDir();
  const keyFile = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKeyFile: 'keys/missing.pub' });
  let missingKey = '';
  try {
    loadProfile(keyFile, {});
  } catch (e) {
    missingKey = (e as Error).message;
  }
  const cases: [string, RegExp][] = [
    [problemsOf({ feed: { url: 'http://127.0.0.1:8080/feed/other/' } }), /„feed\.url“ je "http:\/\/127\.0\.0\.1:8080\/feed\/other\/"; má být adresa končící "\/feed\/testov\/"/],
    [problemsOf({ publicKey: 'ed25519:short' }), /„publicKey“ je "ed25519:short"; má být "ed25519:" a za ním 44 znaků base64/],
    [problemsOf({ publicKeyFile: 'nope.pub' }), /je třeba uvést právě jedno z polí „publicKey“/],
    [problemsOf({ token: 'a', reportToken: 'b' }), /„token“ a „reportToken“ jsou totéž pole/],
    [problemsOf({ orientation: 'portrait', screen: { diagonalInches: 32, mountingHeightMm: 1900 } }), /„screen“: s dolním okrajem ve výšce 1900 mm leží .* příliš malá část/],
    [missingKey, /„publicKeyFile“: soubor .*missing\.pub nelze přečíst/],
  ];
  for (const [message, czech] of cases) {
    assert.match(message, czech);
    // Every problem listed, whoever found it, has its English line and a Czech one below it.
    for (const item of itemsOf(message)) {
      const lines = item.split('\n');
      assert.equal(lines.length, 2, `one English and one Czech line: ${item}`);
      assert.match(lines[1]!, /[„áčďéěíňóřšťúůýž]/, `the second line is Czech: ${item}`);
    }
  }
});
