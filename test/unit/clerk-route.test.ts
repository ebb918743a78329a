/** The clerk app's hash routes round-trip, and the dashboard's "today/this week" is the board's, across a DST change. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, routeHash, type Route } from '../../src-renderer/clerk/route.ts';
import { ranges } from '../../src-renderer/clerk/dashboard.ts';

test('every route survives routeHash → parseRoute; unknown paths are unknown', () => {
  const routes: Route[] = [
    { kind: 'dashboard', board: 'horni-lhota' },
    { kind: 'list', board: 'horni-lhota' },
    { kind: 'list', board: 'horni-lhota', tab: 'withdrawn' },
    { kind: 'notice', board: 'horni-lhota', id: null },
    { kind: 'notice', board: 'horni-lhota', id: '0b6f1d2e-1111-4a4a-9c9c-123456789abc' },
    { kind: 'tokens', board: 'a b' },
    { kind: 'fleet', board: 'lhota' },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(routeHash(r)), r);
  assert.deepEqual(parseRoute(''), { kind: 'home' });
  assert.deepEqual(parseRoute('#/'), { kind: 'home' });
  assert.deepEqual(parseRoute('#/lhota/oznameni?stav=nesmysl'), { kind: 'list', board: 'lhota' });
  assert.deepEqual(parseRoute('#/lhota/nic'), { kind: 'unknown' });
  assert.deepEqual(parseRoute('#/lhota/tokeny/x'), { kind: 'unknown' });
  assert.deepEqual(parseRoute('#/%E0%A4%A'), { kind: 'unknown' });
});

test('today and this week are counted in the board zone, Monday to Sunday, 23-hour days included', () => {
  // Sunday 29 March 2026, 00:30 in Prague (Saturday 23:30 UTC): the clocks go forward at 02:00.
  const r = ranges(Date.parse('2026-03-28T23:30:00Z'), 'Europe/Prague');
  assert.equal(r.today.first, '2026-03-29');
  assert.equal(r.today.end - r.today.start, 23 * 3_600_000);
  assert.equal(r.week.first, '2026-03-23');
  assert.equal(r.week.last, '2026-03-29');
  assert.equal(new Date(r.week.start).toISOString(), '2026-03-22T23:00:00.000Z');
  assert.equal(new Date(r.week.end).toISOString(), '2026-03-29T22:00:00.000Z');
});
