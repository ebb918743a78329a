import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kioskState, screenOnAt } from '../../src-main/kiosk/handler.ts';
import { nextChangeAfter, startLocalSchedule, visibleAt } from '../../src-main/kiosk/local-schedule.ts';
import { parseProfile } from '../../src-main/kiosk/profile.ts';
import { Replica } from '../../src-main/kiosk/replica.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { feedNotice, generateBoardKeys, makeSnapshot } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const POST = '2026-11-21T10:00:00.000Z';
const REMOVE = '2026-11-21T12:00:00.000Z';
const keys = generateBoardKeys();

test('visibility follows the instants: not a millisecond early, gone exactly at removal', () => {
  const n = [feedNotice({ id: 'a', postAt: POST, removeAt: REMOVE })];
  assert.deepEqual(visibleAt(n, Date.parse(POST) - 1), []);
  assert.deepEqual(visibleAt(n, Date.parse(POST)).map((x) => x.id), ['a']);
  assert.deepEqual(visibleAt(n, Date.parse(REMOVE) - 1).map((x) => x.id), ['a']);
  assert.deepEqual(visibleAt(n, Date.parse(REMOVE)), []);
  assert.equal(nextChangeAfter(n, Date.parse(POST) - 1), Date.parse(POST));
  assert.equal(nextChangeAfter(n, Date.parse(POST)), Date.parse(REMOVE));
  assert.equal(nextChangeAfter(n, Date.parse(REMOVE)), null);
});

test('the local schedule fires at each instant, never before, and re-arms after an apply', () => {
  const clock = new ManualClock('2026-11-21T09:00:00.000Z');
  let notices = [feedNotice({ id: 'a', postAt: POST, removeAt: REMOVE })];
  const fired: number[] = [];
  const schedule = startLocalSchedule(clock, () => notices, (now) => fired.push(now));
  assert.deepEqual(fired, [Date.parse('2026-11-21T09:00:00.000Z')], 'runs once at start');
  clock.set(Date.parse(POST) - 1);
  assert.equal(fired.length, 1, 'nothing before the posting instant');
  clock.advance(1);
  assert.deepEqual(fired.slice(1), [Date.parse(POST)]);
  // A new snapshot brings an earlier removal: re-arming picks it up.
  notices = [feedNotice({ id: 'a', postAt: POST, removeAt: '2026-11-21T11:00:00.000Z' })];
  schedule.rearm();
  clock.set(REMOVE);
  assert.deepEqual(fired.slice(2), [Date.parse('2026-11-21T11:00:00.000Z')]);
  assert.equal(clock.pendingTimers(), 0);
  schedule.stop();
});

test('kiosk state and sightings by a ManualClock: appears at postAt, disappears exactly at removeAt', () => {
  using dir = tempDir();
  const replica = new Replica(dir.path);
  const s = makeSnapshot(keys, 1, [
    { id: 'later', postAt: POST, removeAt: REMOVE },
    { id: 'open', postAt: '2026-11-01T08:00:00.000Z' },
  ]);
  replica.apply({ manifest: s.manifest, bytes: s.bytes, signature: s.signature, files: s.files }, '2026-11-21T09:00:00.000Z');
  const profile = parseProfile(
    {
      kioskId: 'k',
      board: 'testov',
      feed: { folder: '.' },
      publicKey: keys.publicKey,
      orientation: 'portrait',
      languages: ['cs'],
      idleTimeoutSeconds: 60,
      screenSchedule: null,
      accessibility: { reachMode: true, fontScale: 1, highContrast: false },
    },
    `${dir.path}/k.json`,
    {},
  );
  const clock = new ManualClock('2026-11-21T09:00:00.000Z');
  const ids = (): string[] => kioskState({ profile, replica, clock }).notices.map((n) => n.id);
  const schedule = startLocalSchedule(clock, () => replica.notices(), (now) => {
    replica.recordSightings(visibleAt(replica.notices(), now).map((n) => n.id), new Date(now).toISOString());
  });

  clock.set(Date.parse(POST) - 1);
  assert.deepEqual(ids(), ['open']);
  assert.equal(kioskState({ profile, replica, clock }).nextChangeAt, Date.parse(POST));
  assert.equal(replica.sightings().find((x) => x.noticeId === 'later'), undefined);

  clock.advance(1);
  assert.deepEqual(ids(), ['later', 'open']);
  assert.equal(replica.sightings().find((x) => x.noticeId === 'later')?.firstShownAt, POST);

  clock.set(Date.parse(REMOVE) - 1);
  assert.deepEqual(ids(), ['later', 'open']);
  clock.advance(1);
  assert.deepEqual(ids(), ['open']);
  assert.equal(replica.sightings().find((x) => x.noticeId === 'later')?.goneAt, REMOVE);
  assert.equal(kioskState({ profile, replica, clock }).nextChangeAt, null);
  schedule.stop();
  replica.close();
});

test('screen schedule in the board zone, also across midnight', () => {
  const day = { on: '06:00', off: '22:00' };
  // 05:59 and 06:00 Prague time in winter (UTC+1).
  assert.equal(screenOnAt(day, Date.parse('2026-11-21T04:59:00Z'), 'Europe/Prague'), false);
  assert.equal(screenOnAt(day, Date.parse('2026-11-21T05:00:00Z'), 'Europe/Prague'), true);
  assert.equal(screenOnAt(day, Date.parse('2026-11-21T21:00:00Z'), 'Europe/Prague'), false);
  const night = { on: '20:00', off: '02:00' };
  assert.equal(screenOnAt(night, Date.parse('2026-11-21T23:30:00Z'), 'Europe/Prague'), true);
  assert.equal(screenOnAt(night, Date.parse('2026-11-21T12:00:00Z'), 'Europe/Prague'), false);
  assert.equal(screenOnAt(null, 0, 'Europe/Prague'), true);
});

test('with a sweep interval the schedule also runs every minute, and stop clears every timer', () => {
  const clock = new ManualClock('2026-11-21T09:00:00.000Z');
  const notices = [feedNotice({ id: 'a', postAt: POST, removeAt: REMOVE })];
  const seen: string[][] = [];
  const schedule = startLocalSchedule(clock, () => notices, (now) => seen.push(visibleAt(notices, now).map((n) => n.id)), 60_000);
  clock.advance(60_000);
  assert.deepEqual(seen, [[], []], 'the sweep runs every minute');
  schedule.stop();
  assert.equal(clock.pendingTimers(), 0);
});
