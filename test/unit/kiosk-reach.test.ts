/** Reach mode's band from the profile's screen (EN 301 549: controls 380–1220 mm above the floor). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayOf, loadProfile, ProfileError } from '../../src-main/kiosk/profile.ts';
import { DEFAULT_REACH_BAND, reachBand, screenHeightMm } from '../../src-main/shared/reach.ts';
import { generateBoardKeys, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const key = generateBoardKeys().publicKey;

test('a 55" portrait screen with its lower edge at 500 mm: controls only in its lower part', () => {
  const h = screenHeightMm({ diagonalInches: 55, mountingHeightMm: 500 }, 'portrait');
  assert.ok(Math.abs(h - 1217.7) < 1, `height ${h}`);
  const band = reachBand({ diagonalInches: 55, mountingHeightMm: 500 }, 'portrait')!;
  // 1220 mm is 720 mm above the lower edge: 59 % of the height from the bottom.
  assert.ok(Math.abs(band.top - (1 - 720 / h)) < 1e-9);
  assert.equal(band.bottom, 1, 'the lower edge is above 380 mm');
});

test('a landscape screen mounted low keeps the bottom strip free; one mounted too high has no band', () => {
  const band = reachBand({ diagonalInches: 43, mountingHeightMm: 300 }, 'landscape')!;
  assert.equal(band.top, 0);
  assert.ok(band.bottom < 0.9 && band.bottom > 0.8, `bottom ${band.bottom}`);
  assert.equal(reachBand({ diagonalInches: 32, mountingHeightMm: 1150 }, 'landscape'), null);
});

test('the profile: "screen" validated, the band handed to the UI; without it the lower 60 %', () => {
  using dir = tempDir();
  const base = { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key };
  const withScreen = loadProfile(writeProfile(dir.path, { ...base, orientation: 'portrait', screen: { diagonalInches: 55, mountingHeightMm: 500 } }), {});
  assert.deepEqual(displayOf(withScreen).reachBand, reachBand({ diagonalInches: 55, mountingHeightMm: 500 }, 'portrait'));
  const without = loadProfile(writeProfile(dir.path, base, 'b.json'), {});
  assert.deepEqual(displayOf(without).reachBand, DEFAULT_REACH_BAND);
  for (const [screen, msg] of [
    [{ diagonalInches: 5, mountingHeightMm: 500 }, /"screen" is/],
    [{ diagonalInches: 43 }, /"screen" is/],
    [{ diagonalInches: 32, mountingHeightMm: 1150 }, /too little of the screen lies 380–1220 mm/],
  ] as const) {
    assert.throws(() => loadProfile(writeProfile(dir.path, { ...base, screen }, 'c.json'), {}), (e: unknown) => e instanceof ProfileError && msg.test(e.message));
  }
});
