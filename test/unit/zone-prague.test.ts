import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, formatWall, fromWallTime, toOffsetIso, toWallTime, zoneOffsetMinutes } from '../../src-main/shared/zone.ts';

const ZONE = 'Europe/Prague';
const utc = (s: string): number => Date.parse(s);

test('winter is UTC+1 and summer UTC+2, both ways', () => {
  assert.equal(fromWallTime({ date: '2026-01-15', time: '09:00' }, ZONE), utc('2026-01-15T08:00:00Z'));
  assert.equal(fromWallTime({ date: '2026-07-15', time: '09:00:30' }, ZONE), utc('2026-07-15T07:00:30Z'));
  assert.deepEqual(toWallTime(utc('2026-01-15T08:00:00Z'), ZONE), { date: '2026-01-15', time: '09:00:00' });
  assert.deepEqual(toWallTime(utc('2026-07-15T22:30:00Z'), ZONE), { date: '2026-07-16', time: '00:30:00' });
  assert.equal(zoneOffsetMinutes(utc('2026-01-15T08:00:00Z'), ZONE), 60);
  assert.equal(zoneOffsetMinutes(utc('2026-07-15T08:00:00Z'), ZONE), 120);
});

test('spring forward: 02:30 on 29 March 2026 does not exist and moves forward by the gap to 03:30 CEST', () => {
  assert.equal(fromWallTime({ date: '2026-03-29', time: '02:30' }, ZONE), utc('2026-03-29T01:30:00Z'));
  assert.equal(fromWallTime({ date: '2026-03-29', time: '02:00' }, ZONE), utc('2026-03-29T01:00:00Z'));
  assert.equal(fromWallTime({ date: '2026-03-29', time: '02:59:59' }, ZONE), utc('2026-03-29T01:59:59Z'));
  // Around the gap, ordinary times.
  assert.equal(fromWallTime({ date: '2026-03-29', time: '01:59:59' }, ZONE), utc('2026-03-29T00:59:59Z'));
  assert.equal(fromWallTime({ date: '2026-03-29', time: '03:00' }, ZONE), utc('2026-03-29T01:00:00Z'));
  assert.equal(fromWallTime({ date: '2026-03-29', time: '03:30' }, ZONE), utc('2026-03-29T01:30:00Z'));
  assert.deepEqual(toWallTime(utc('2026-03-29T01:30:00Z'), ZONE), { date: '2026-03-29', time: '03:30:00' });
});

test('fall back: 02:30 on 25 October 2026 happens twice and resolves to the later one (CET, 01:30Z)', () => {
  assert.equal(fromWallTime({ date: '2026-10-25', time: '02:30' }, ZONE), utc('2026-10-25T01:30:00Z'));
  assert.equal(fromWallTime({ date: '2026-10-25', time: '02:00' }, ZONE), utc('2026-10-25T01:00:00Z'));
  assert.equal(fromWallTime({ date: '2026-10-25', time: '01:59:59' }, ZONE), utc('2026-10-24T23:59:59Z'));
  assert.equal(fromWallTime({ date: '2026-10-25', time: '03:00' }, ZONE), utc('2026-10-25T02:00:00Z'));
  // Both occurrences read back as 02:30 wall time, with different offsets.
  assert.deepEqual(toWallTime(utc('2026-10-25T00:30:00Z'), ZONE), { date: '2026-10-25', time: '02:30:00' });
  assert.deepEqual(toWallTime(utc('2026-10-25T01:30:00Z'), ZONE), { date: '2026-10-25', time: '02:30:00' });
  assert.equal(toOffsetIso(utc('2026-10-25T00:30:00Z'), ZONE), '2026-10-25T02:30:00+02:00');
  assert.equal(toOffsetIso(utc('2026-10-25T01:30:00Z'), ZONE), '2026-10-25T02:30:00+01:00');
});

test('round trips: every quarter hour across both transition days comes back to the same instant', () => {
  for (const day of ['2026-03-28T23:00:00Z', '2026-10-24T22:00:00Z', '2026-06-01T00:00:00Z']) {
    for (let i = 0; i < 96; i++) {
      const ms = utc(day) + i * 15 * 60_000;
      const wall = toWallTime(ms, ZONE);
      const back = fromWallTime(wall, ZONE);
      // The first 02:xx of the autumn night maps to the later occurrence by design: an hour later, never earlier.
      const repeated = ms >= utc('2026-10-25T00:00:00Z') && ms < utc('2026-10-25T01:00:00Z');
      assert.equal(back, repeated ? ms + 3_600_000 : ms, `${new Date(ms).toISOString()} → ${wall.date} ${wall.time}`);
      assert.equal(Date.parse(toOffsetIso(ms, ZONE)), ms, toOffsetIso(ms, ZONE));
    }
  }
});

test('toOffsetIso uses +01:00 in winter and +02:00 in summer; formatting is Czech style', () => {
  assert.equal(toOffsetIso(utc('2026-11-21T13:05:00Z'), ZONE), '2026-11-21T14:05:00+01:00');
  assert.equal(toOffsetIso(utc('2026-07-01T12:00:00Z'), ZONE), '2026-07-01T14:00:00+02:00');
  assert.equal(toOffsetIso(utc('2026-12-31T23:30:00Z'), ZONE), '2027-01-01T00:30:00+01:00');
  assert.equal(formatWall(utc('2026-11-21T13:05:09Z'), ZONE), '21. 11. 2026 14:05');
  assert.equal(formatWall(utc('2026-11-21T13:05:09Z'), ZONE, true), '21. 11. 2026 14:05:09');
  assert.equal(formatDate(utc('2026-03-28T23:30:00Z'), ZONE), '29. 3. 2026');
});

test('malformed wall times are refused', () => {
  assert.throws(() => fromWallTime({ date: '29.3.2026', time: '02:30' }, ZONE), RangeError);
  assert.throws(() => fromWallTime({ date: '2026-03-29', time: '2:30' }, ZONE), RangeError);
});
