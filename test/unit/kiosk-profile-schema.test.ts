/**
 * The kiosk profile's JSON Schema (docs/kiosk-profile.schema.json): the shipped examples are
 * valid against it, a wrong field is named to the technician in English and Czech, and a
 * profile with problems keeps the kiosk on its last good profile.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { LAST_GOOD_PROFILE, loadProfile, loadProfileOrLastGood, PROFILE_SCHEMA_PATH, ProfileError } from '../../src-main/kiosk/profile.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const key = generateBoardKeys().publicKey;
const PROFILES = resolve(import.meta.dirname, '../../kiosk-profiles');

test('the four shipped example profiles are valid against the schema', () => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  ajv.addVocabulary(['expected']);
  const validate = ajv.compile(JSON.parse(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')) as object);
  const names = readdirSync(PROFILES).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(names, ['entrance-portrait.json', 'lobby-landscape.json', 'network-share.json', 'village-same-machine.json']);
  for (const name of names) {
    const ok = validate(JSON.parse(readFileSync(join(PROFILES, name), 'utf8')));
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors)}`);
  }
  // And the schema is not an empty promise: a wrong profile is not valid against it.
  assert.equal(validate({ kioskId: 'x', orientation: 'sideways' }), false);
});

test('every field of the schema is documented in kiosk-profiles/README.md (the deprecated one under its new name)', () => {
  const schema = JSON.parse(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')) as { properties: Record<string, { deprecated?: boolean }> };
  const readme = readFileSync(join(PROFILES, 'README.md'), 'utf8');
  for (const [field, def] of Object.entries(schema.properties)) {
    if (def.deprecated) {
      assert.ok(readme.includes(`\`${field}\` is the field's earlier name`), field);
      continue;
    }
    assert.match(readme, new RegExp(`\\| \`${field}\` \\|`), `${field} documented in kiosk-profiles/README.md`);
  }
});

test('a wrong field is named in English and in Czech, with what was found and what is expected', () => {
  using dir = tempDir();
  const path = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key, accessibility: { reachMode: false, fontScale: 3, highContrast: false }, nightlyReload: 'midnight' });
  let message = '';
  try {
    loadProfile(path, {});
  } catch (e) {
    assert.ok(e instanceof ProfileError);
    message = e.message;
  }
  assert.match(message, /has 2 problem\(s\) \/ Profil kiosku .* má chyby \(2\)/);
  assert.match(message, /"accessibility.fontScale" is 3; expected a number from 0.75 to 2/);
  assert.match(message, /„accessibility.fontScale“ je 3; má být číslo od 0.75 do 2/);
  assert.match(message, /„nightlyReload“ je "midnight"; má být "HH:MM"/);
  assert.doesNotMatch(message, /instancePath|must be|\/accessibility/, 'no validator jargon');
});

test('a profile with problems keeps the kiosk on its last good profile; without one it does not start', () => {
  using dir = tempDir();
  const base = { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key, dataDir: 'data' };
  const path = writeProfile(dir.path, { ...base, languages: ['cs', 'en'] });
  const lines: string[] = [];
  const first = loadProfileOrLastGood(path, undefined, (l) => lines.push(l), {});
  assert.equal(first.problem, null);
  assert.ok(existsSync(join(dir.path, 'data', LAST_GOOD_PROFILE)), 'a copy of the good profile kept');
  // The technician breaks the profile: the kiosk runs on as before and says why.
  writeFileSync(path, JSON.stringify({ ...base, kioskId: 'test-kiosk', board: 'testov', orientation: 'landscape', languages: 'cs', idleTimeoutSeconds: 60, screenSchedule: null, accessibility: { reachMode: false, fontScale: 1, highContrast: false } }));
  const second = loadProfileOrLastGood(path, undefined, (l) => lines.push(l), {});
  assert.deepEqual(second.profile.languages, ['cs', 'en'], 'the last good profile');
  assert.match(second.problem ?? '', /"languages" is "cs"/);
  assert.ok(lines.some((l) => l.includes('Kiosk dál běží s posledním platným profilem') && l.includes('last good profile') && l.includes('„languages“')));
  // A slip in the editor (a comma left out): not JSON at all, yet the data folder it names is
  // plain to read, and with it the last good profile.
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, JSON.stringify({ ...base, kioskId: 'test-kiosk', languages: ['de'] }, null, 2).replace('"kioskId": "test-kiosk",', '"kioskId": "test-kiosk"'));
  const third = loadProfileOrLastGood(path, undefined, (l) => lines.push(l), {});
  assert.deepEqual(third.profile.languages, ['cs', 'en'], 'the last good profile, though the file is not JSON');
  assert.match(third.problem ?? '', /not valid JSON/);
  writeFileSync(path, good);
  // A broken profile that was never good does not start a kiosk.
  using other = tempDir();
  const never = writeProfile(other.path, { ...base, orientation: 'sideways' });
  assert.throws(() => loadProfileOrLastGood(never, undefined, () => undefined, {}), ProfileError);
});
