/**
 * Speech from the kiosk's main process (espeak-ng) where the browser has no voice: a real
 * process is spawned with the language's voice and volume and reads the text from stdin. The
 * test stands a small script in for espeak-ng (not installed on CI) that records what it got.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createKioskHandler, kioskState } from '../../src-main/kiosk/handler.ts';
import { parseProfile } from '../../src-main/kiosk/profile.ts';
import { Replica } from '../../src-main/kiosk/replica.ts';
import { espeakSpeaker } from '../../src-main/kiosk/speech.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { generateBoardKeys, waitFor } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();

test('POST /api/speech reads the text through espeak-ng with the language\'s voice and volume; without espeak-ng it is a 404', async () => {
  using dir = tempDir();
  const out = join(dir.path, 'spoken');
  const fake = join(dir.path, 'espeak-ng');
  writeFileSync(fake, `#!/bin/sh\necho "$@" > '${out}.args'\ncat > '${out}.text'\n`);
  chmodSync(fake, 0o755);
  assert.equal(espeakSpeaker(() => undefined, join(dir.path, 'missing')), null);
  const speech = espeakSpeaker(() => undefined, fake);
  assert.ok(speech);
  const profile = parseProfile(
    { kioskId: 'k', board: 'testov', feed: { folder: '.' }, publicKey: keys.publicKey, orientation: 'landscape', languages: ['cs'], idleTimeoutSeconds: 60, screenSchedule: null, accessibility: { reachMode: false, fontScale: 1, highContrast: false } },
    join(dir.path, 'k.json'),
    {},
  );
  const replica = new Replica(join(dir.path, 'data'));
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  const post = (app: ReturnType<typeof createKioskHandler>, path: string, body?: unknown) =>
    app.fetch(new Request(`http://kiosk${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) }));
  const app = createKioskHandler({ profile, replica, clock, speech, subscribe: () => () => undefined });
  assert.equal(kioskState({ profile, replica, clock, speech }).serverSpeech, true);
  assert.equal((await post(app, '/api/speech', { text: 'Příliš žluťoučký kůň.', lang: 'pl', volume: 0.5 })).status, 204);
  await waitFor(() => existsSync(`${out}.text`) && readFileSync(`${out}.text`, 'utf8') !== '', 'the fake espeak-ng ran');
  assert.equal(readFileSync(`${out}.args`, 'utf8').trim(), '-v pl -a 100 --stdin');
  assert.equal(readFileSync(`${out}.text`, 'utf8'), 'Příliš žluťoučký kůň.');
  assert.equal((await post(app, '/api/speech', { text: 5 })).status, 400);
  // A language that is a name on Object.prototype is no voice: the Czech one, never "[object Object]".
  for (const lang of ['__proto__', 'constructor', 'toString']) {
    rmSync(`${out}.text`, { force: true });
    assert.equal((await post(app, '/api/speech', { text: 'Dobrý den.', lang, volume: 1 })).status, 204);
    await waitFor(() => existsSync(`${out}.text`) && readFileSync(`${out}.text`, 'utf8') !== '', `espeak-ng ran for lang ${lang}`);
    assert.equal(readFileSync(`${out}.args`, 'utf8').trim(), '-v cs -a 200 --stdin', lang);
  }
  assert.equal((await post(app, '/api/speech/stop')).status, 204);

  const mute = createKioskHandler({ profile, replica, clock, speech: null, subscribe: () => () => undefined });
  assert.equal((await post(mute, '/api/speech', { text: 'x', lang: 'cs', volume: 1 })).status, 404);
  assert.equal(kioskState({ profile, replica, clock }).serverSpeech, false);
  replica.close();
});
