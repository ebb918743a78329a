/**
 * Offline search in the kiosk's replica (migration 4, FTS5): notice fields and the attachment
 * text the signed feed carries (textSha256), without diacritics, as prefixes; the text of an
 * attachment that arrives later is indexed when it arrives. Also the pure query builder and the
 * handler's /api/search (posted notices only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKioskHandler, statePatch, kioskState } from '../../src-main/kiosk/handler.ts';
import { parseProfile } from '../../src-main/kiosk/profile.ts';
import { Replica, searchQuery } from '../../src-main/kiosk/replica.ts';
import { verifySnapshot } from '../../src-main/kiosk/sync.ts';
import { signBytes } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { FeedNotice } from '../../src-main/shared/feed.ts';
import { feedNotice, generateBoardKeys, makeSnapshot, sha256, type Snapshot } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();
const AT = '2026-11-21T09:00:00.000Z';
const pdf = new TextEncoder().encode('%PDF-1.4 plan');
const text = new TextEncoder().encode('Hydrogeologický průzkum v lokalitě Za Humny; příliš žluťoučký kůň.');

function snapshot(seq: number, notices: FeedNotice[], files: Map<string, Uint8Array>): Snapshot {
  const base = makeSnapshot(keys, seq, [], undefined, `2026-11-21T0${seq}:00:00.000Z`);
  const manifest = { ...base.manifest, notices };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  return { manifest, bytes, signature: signBytes(bytes, keys.privatePem), files };
}

const notices = (): FeedNotice[] => [
  {
    ...feedNotice({ id: 'up', title: 'Návrh změny územního plánu', postAt: '2026-11-20T08:00:00.000Z' }),
    attachments: [{ sha256: sha256(pdf), name: 'plan.pdf', size: pdf.length, mediaType: 'application/pdf', textSha256: sha256(text), textSize: text.length }],
  },
  { ...feedNotice({ id: 'prodej', title: 'Záměr prodeje pozemku', postAt: '2026-11-20T08:00:00.000Z' }), department: 'Odbor správy majetku' },
  { ...feedNotice({ id: 'budouci', title: 'Pozemek, který bude vyvěšen zítra', postAt: '2026-11-22T08:00:00.000Z' }) },
];

test('the query builder: every word as a prefix, operators and quotes are plain characters', () => {
  assert.equal(searchQuery('územní plán'), '"územní"* "plán"*');
  assert.equal(searchQuery('a" OR x* NEAR(b)'), '"a"* "OR"* "x"* "NEAR"* "b"*');
  assert.equal(searchQuery('  —  '), null);
});

test('fields and attachment text are found without diacritics, as prefixes; text arriving later is indexed then', async () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  const s = snapshot(1, notices(), new Map([[sha256(pdf), pdf]]));
  r.apply({ ...s, files: new Map([[sha256(pdf), pdf]]) }, AT);
  assert.deepEqual(r.search('uzemni').map((h) => h.id), ['up']);
  assert.deepEqual(r.search('POZEM').map((h) => h.id).sort(), ['budouci', 'prodej']);
  assert.deepEqual(r.search('majetku').map((h) => h.id), ['prodej'], 'the department is searched');
  assert.deepEqual(r.search('hydrogeo'), [], 'the text is not held yet');
  assert.deepEqual(r.missingFiles().map((m) => m.sha256), [sha256(text)], 'the text is fetched like a file');
  r.addFile(sha256(text), text);
  const hits = r.search('kun zlutoucky');
  assert.deepEqual(hits.map((h) => h.id), ['up']);
  assert.match(hits[0]!.snippet, /«žluťoučký» «kůň»/);
  assert.equal(r.search('zemni').length, 0, 'a prefix, not any substring');
  r.close();
  // The index survives a restart, and a new snapshot rebuilds it.
  const again = new Replica(dir.path);
  assert.deepEqual(again.search('hydrogeologicky').map((h) => h.id), ['up']);
  again.apply({ ...snapshot(2, notices().slice(1), new Map()), files: new Map() }, AT);
  assert.deepEqual(again.search('hydrogeologicky'), []);
  assert.equal(again.readFile(sha256(text)), null, 'the text of a notice gone is pruned');
  // Only what changed is indexed again: a corrected title is found by its new words only.
  const [prodej, budouci] = notices().slice(1) as [FeedNotice, FeedNotice];
  again.apply({ ...snapshot(3, [{ ...prodej, title: 'Záměr směny pozemku', revision: 2 }, budouci], new Map()), files: new Map() }, AT);
  assert.deepEqual(again.search('smeny').map((h) => h.id), ['prodej']);
  assert.deepEqual(again.search('prodeje'), []);
  assert.deepEqual(again.search('vyvesen zitra').map((h) => h.id), ['budouci']);
  assert.equal((again.db.prepare('SELECT count(*) AS n FROM notice_search').get() as { n: number }).n, 2);
  again.close();
});

test('the sync fetches the text the feed names, hash-checked like an attachment', async () => {
  const s = snapshot(1, notices(), new Map());
  const held = new Map<string, Uint8Array>();
  const served = new Map([[sha256(pdf), pdf], [sha256(text), new TextEncoder().encode('tampered')]]);
  const reader = { file: async (sha: string) => served.get(sha)! } as unknown as Parameters<typeof verifySnapshot>[4];
  const got = await verifySnapshot(s.bytes, s.signature, keys.publicKey, s.manifest.board.id, reader, { has: (sha) => held.has(sha), add: (sha, b) => void held.set(sha, b) });
  assert.deepEqual([...held.keys()], [sha256(pdf)]);
  assert.deepEqual(got.missing.map((m) => [m.sha256, m.name]), [[sha256(text), 'plan.pdf (text)']]);
});

test('/api/search answers posted notices only; the event stream patches only what changed', async () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply({ ...snapshot(1, notices(), new Map()), files: new Map() }, AT);
  const profile = parseProfile(
    { kioskId: 'k', board: 'testov', feed: { folder: '.' }, publicKey: keys.publicKey, orientation: 'landscape', languages: ['cs'], idleTimeoutSeconds: 60, screenSchedule: null, accessibility: { reachMode: false, fontScale: 1, highContrast: false } },
    `${dir.path}/k.json`,
    {},
  );
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  const app = createKioskHandler({ profile, replica: r, clock, subscribe: () => () => undefined });
  const res = (await (await app.fetch(new Request('http://kiosk/api/search?q=pozem'))).json()) as { hits: { id: string }[] };
  assert.deepEqual(res.hits.map((h) => h.id), ['prodej'], 'the notice posted tomorrow is not found today');

  const sent = new Map<string, string>();
  const first = statePatch(kioskState({ profile, replica: r, clock }), sent);
  assert.deepEqual(first.upsert.map((n) => n.id).sort(), ['prodej', 'up']);
  const same = statePatch(kioskState({ profile, replica: r, clock }), sent);
  assert.deepEqual([same.upsert, same.remove], [[], []], 'nothing changed: no notices in the patch');
  clock.set(Date.parse('2026-11-22T09:00:00Z'));
  const next = statePatch(kioskState({ profile, replica: r, clock }), sent);
  assert.deepEqual([next.upsert.map((n) => n.id), next.remove], [['budouci'], []]);
  r.apply({ ...snapshot(2, notices().slice(1), new Map()), files: new Map() }, AT);
  const gone = statePatch(kioskState({ profile, replica: r, clock }), sent);
  assert.deepEqual([gone.upsert, gone.remove], [[], ['up']]);
  r.close();
});

test('/api/search: posted notices are never pushed off the answer by more highly ranked ones not on display', async () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  // 300 notices posted tomorrow rank above the one posted today ("pozemek" in the title twice).
  const future = Array.from({ length: 300 }, (_, i) => feedNotice({ id: `f${i}`, title: `Pozemek pozemek ${i}`, postAt: '2026-11-22T08:00:00.000Z' }));
  const today = { ...feedNotice({ id: 'dnes', title: 'Oznámení', postAt: '2026-11-20T08:00:00.000Z' }), description: 'Záměr prodeje pozemku' };
  r.apply({ ...snapshot(1, [...future, today], new Map()), files: new Map() }, AT);
  assert.equal(r.search('pozem').length, 200, 'unfiltered, the limit holds');
  assert.equal(r.search('pozem').some((h) => h.id === 'dnes'), false, 'and the notice of today is not among the best 200');
  const profile = parseProfile(
    { kioskId: 'k', board: 'testov', feed: { folder: '.' }, publicKey: keys.publicKey, orientation: 'landscape', languages: ['cs'], idleTimeoutSeconds: 60, screenSchedule: null, accessibility: { reachMode: false, fontScale: 1, highContrast: false } },
    `${dir.path}/k.json`,
    {},
  );
  const app = createKioskHandler({ profile, replica: r, clock: new ManualClock('2026-11-21T09:00:00Z'), subscribe: () => () => undefined });
  const res = (await (await app.fetch(new Request('http://kiosk/api/search?q=pozem'))).json()) as { hits: { id: string }[] };
  assert.deepEqual(res.hits.map((h) => h.id), ['dnes']);
  r.close();
});
