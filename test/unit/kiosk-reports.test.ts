/**
 * acceptKioskReport on a real store: what a kiosk may report (its own id and board, strict
 * UTC instants within the notice's period, not in the future) and that a refused report
 * stores nothing at all. The feed route in front of it is tested over HTTP in
 * test/integration/kiosk-reports-http.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptKioskReport, CLOCK_SKEW_MS, REMOVAL_TOLERANCE_MS, WITHDRAWAL_TOLERANCE_MS, type ReportSender } from '../../src-main/evidence/kiosk-reports.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board } from '../../src-main/shared/domain.ts';
import type { KioskReport } from '../../src-main/shared/feed.ts';
import { DomainError } from '../../src-main/store/notices.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const BOARD: Board = { id: 'lhota', name: 'Obec Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/' };
const OTHER: Board = { ...BOARD, id: 'jina', name: 'Jiná obec' };
const LOBBY: ReportSender = { kioskId: 'lobby', boardId: 'lhota' };

interface World {
  store: Store;
  clock: ManualClock;
  /** Posted at T0 - 2 h, removed at T0 + 10 h. */
  posted: string;
  /** Posted at T0 - 5 h, withdrawn at T0 - 1 h. */
  withdrawn: string;
  /** Posted at T0 - 6 h, removed at T0 - 3 h. */
  removed: string;
  draft: string;
  foreign: string;
  [Symbol.dispose](): void;
}

function world(): World {
  const dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  store.createBoard(BOARD, T0);
  store.createBoard(OTHER, T0);
  const fields = (postAt: number, removeAt: number | null) => ({
    title: 'Oznámení', description: 'Text', category: 'Ostatní', department: 'Úřad', referenceNumber: '', fileMark: '',
    postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt),
  });
  const make = (b: Board, postAt: number, removeAt: number | null, publishAt: number): string => {
    const n = store.notices.create(b, fields(postAt, removeAt), [], 'jana', publishAt);
    store.notices.publish(n.id, 'jana', publishAt);
    return n.id;
  };
  const posted = make(BOARD, T0 - 2 * HOUR, T0 + 10 * HOUR, T0 - 30 * HOUR);
  const withdrawn = make(BOARD, T0 - 5 * HOUR, T0 + 10 * HOUR, T0 - 30 * HOUR);
  store.notices.withdraw(withdrawn, 'Chyba v textu', 'jana', T0 - HOUR);
  const removed = make(BOARD, T0 - 6 * HOUR, T0 - 3 * HOUR, T0 - 30 * HOUR);
  const draft = store.notices.create(BOARD, fields(T0 - HOUR, null), [], 'jana', T0 - 30 * HOUR).id;
  const foreign = make(OTHER, T0 - 2 * HOUR, null, T0 - 30 * HOUR);
  return {
    store, clock: new ManualClock(T0), posted, withdrawn, removed, draft, foreign,
    [Symbol.dispose]() {
      store.close();
      dir[Symbol.dispose]();
    },
  };
}

function report(over: Partial<KioskReport> & Record<string, unknown> = {}): KioskReport {
  return { kioskId: 'lobby', board: 'lhota', appliedSeq: 7, appliedAt: iso(T0 - 60_000), lastError: null, sightings: [], ...over } as KioskReport;
}

function sighting(noticeId: string, first: number | string, last: number | string, gone: number | string | null = null) {
  const s = (v: number | string): string => (typeof v === 'number' ? iso(v) : v);
  return { noticeId, firstShownAt: s(first), lastShownAt: s(last), goneAt: gone === null ? null : s(gone) };
}

/** Everything a report can write, to prove a refusal wrote nothing. */
function footprint(store: Store): string {
  return JSON.stringify([
    store.db.prepare('SELECT * FROM sightings ORDER BY notice_id, channel').all(),
    store.db.prepare('SELECT * FROM kiosks ORDER BY id').all(),
    store.db.prepare('SELECT * FROM outages ORDER BY channel, from_at').all(),
    store.db.prepare('SELECT COUNT(*) AS c FROM events').get(),
  ]);
}

function refused(w: World, body: unknown, status: number, message: RegExp, sender: ReportSender = LOBBY): void {
  const before = footprint(w.store);
  assert.throws(
    () => acceptKioskReport(w.store, w.clock, sender, body),
    (e: unknown) => e instanceof DomainError && e.status === status && message.test(e.message),
    `expected ${status} ${message}`,
  );
  assert.equal(footprint(w.store), before, 'a refused report stores nothing');
}

test('a valid report stores sightings on kiosk:<id>, outages, and the kiosk status with clock, screen and version', () => {
  using w = world();
  acceptKioskReport(w.store, w.clock, LOBBY, report({
    sightings: [sighting(w.posted, T0 - 2 * HOUR, T0 - 1000), sighting(w.removed, T0 - 6 * HOUR, T0 - 3 * HOUR - 1000, T0 - 3 * HOUR + 200)],
    outages: [{ from: iso(T0 - 90 * 60_000), to: null, reason: 'screen-off' }],
    sentAt: iso(T0 + 1000),
    clockOffsetMs: 1200,
    screenOn: true,
    version: '1.4.0',
  }));
  const [s] = w.store.evidence.forNotice(w.posted);
  assert.deepEqual(s, { noticeId: w.posted, channel: 'kiosk:lobby', firstShownAt: iso(T0 - 2 * HOUR), lastShownAt: iso(T0 - 1000), goneAt: null });
  assert.equal(w.store.evidence.forNotice(w.removed)[0]!.goneAt, iso(T0 - 3 * HOUR + 200));
  assert.deepEqual(w.store.evidence.outages(['kiosk:lobby']), [{ channel: 'kiosk:lobby', from: iso(T0 - 90 * 60_000), to: null, reason: 'screen-off' }]);
  const k = w.store.evidence.kiosks('lhota')[0]!;
  assert.deepEqual(
    { id: k.id, appliedSeq: k.appliedSeq, clockOffsetMs: k.clockOffsetMs, screenOn: k.screenOn, version: k.version, sentAt: k.sentAt, lastReportAt: k.lastReportAt },
    { id: 'lobby', appliedSeq: 7, clockOffsetMs: 1200, screenOn: true, version: '1.4.0', sentAt: iso(T0 + 1000), lastReportAt: iso(T0) },
  );
  assert.equal(w.store.audit.list().at(-1)!.actor, 'kiosk:lobby');

  // Later the same outage is reported closed: the open interval is closed, not duplicated.
  w.clock.set(T0 + HOUR);
  acceptKioskReport(w.store, w.clock, LOBBY, report({ outages: [{ from: iso(T0 - 90 * 60_000), to: iso(T0 + 30 * 60_000), reason: 'screen-off' }] }));
  assert.deepEqual(w.store.evidence.outages(['kiosk:lobby']), [{ channel: 'kiosk:lobby', from: iso(T0 - 90 * 60_000), to: iso(T0 + 30 * 60_000), reason: 'screen-off' }]);
  // An older report that still has it open does not reopen it.
  acceptKioskReport(w.store, w.clock, LOBBY, report({ outages: [{ from: iso(T0 - 90 * 60_000), to: null, reason: 'screen-off' }] }));
  assert.equal(w.store.evidence.outages(['kiosk:lobby'])[0]!.to, iso(T0 + 30 * 60_000));
});

test("a report for another kiosk or another board is refused (403)", () => {
  using w = world();
  refused(w, report({ kioskId: 'knihovna' }), 403, /patří kiosku lobby.*kiosek knihovna/);
  refused(w, report({ board: 'jina' }), 403, /za desku "jina".*na desku lhota/);
  refused(w, report({ board: 'jina' }), 403, /Kiosek smí hlásit jen sám za sebe|Zkontrolujte „board“/);
});

test('a sighting dated before the posting is refused, whole report with it', () => {
  using w = world();
  refused(
    w,
    report({ sightings: [sighting(w.removed, T0 - 6 * HOUR, T0 - 4 * HOUR), sighting(w.posted, T0 - 2 * HOUR - 1, T0 - 1000)] }),
    422,
    /první zobrazení .* je před vyvěšením/,
  );
});

test('instants that are not strict ISO 8601 UTC are refused, including impossible dates', () => {
  using w = world();
  for (const bad of ['2026-11-21 07:00:00', '2026-11-21T07:00:00+01:00', '21. 11. 2026', '2026-02-30T10:00:00.000Z', '', 'not a date']) {
    refused(w, report({ sightings: [sighting(w.posted, bad, T0 - 1000)] }), 422, /není okamžik ve formátu ISO 8601 v UTC/);
  }
  refused(w, report({ sightings: [{ noticeId: w.posted, firstShownAt: T0 as never, lastShownAt: T0 as never, goneAt: null }] }), 422, /není okamžik/);
  refused(w, report({ appliedAt: 'yesterday' }), 422, /appliedAt.*není okamžik/);
  refused(w, report({ sentAt: '2026-11-21T08:00' }), 422, /sentAt.*není okamžik/);
  refused(w, report({ outages: [{ from: 'x', to: null, reason: 'stale' }] }), 422, /Výpadek č\. 1, from.*není okamžik/);
});

test('instants in the future beyond the clock-skew tolerance are refused; within it they are accepted', () => {
  using w = world();
  refused(w, report({ sightings: [sighting(w.posted, T0 - HOUR, T0 + CLOCK_SKEW_MS + 1)] }), 422, /je v budoucnosti podle hodin vydavatele/);
  refused(w, report({ sentAt: iso(T0 + 60_000) }), 422, /sentAt.*v budoucnosti.*Seřiďte hodiny kiosku/);
  refused(w, report({ outages: [{ from: iso(T0 + HOUR), to: null, reason: 'stale' }] }), 422, /v budoucnosti/);
  acceptKioskReport(w.store, w.clock, LOBBY, report({ sightings: [sighting(w.posted, T0 - HOUR, T0 + CLOCK_SKEW_MS)] }));
});

test('a sighting after removal or withdrawal beyond the tolerance is refused', () => {
  using w = world();
  const removeAt = T0 - 3 * HOUR;
  refused(w, report({ sightings: [sighting(w.removed, T0 - 6 * HOUR, removeAt + REMOVAL_TOLERANCE_MS + 1)] }), 422, /poslední zobrazení .* je po sejmutím/);
  refused(w, report({ sightings: [sighting(w.removed, T0 - 6 * HOUR, removeAt - 1, removeAt + HOUR)] }), 422, /zmizení .* je hlášeno až po sejmutím/);
  const withdrawnAt = T0 - HOUR;
  refused(w, report({ sightings: [sighting(w.withdrawn, T0 - 5 * HOUR, withdrawnAt + WITHDRAWAL_TOLERANCE_MS + 1)] }), 422, /je po stažením/);
  // Within the tolerances: the kiosk's last tick at removal, a withdrawal reaching it by its next poll.
  acceptKioskReport(w.store, w.clock, LOBBY, report({
    sightings: [sighting(w.removed, T0 - 6 * HOUR, removeAt + REMOVAL_TOLERANCE_MS), sighting(w.withdrawn, T0 - 5 * HOUR, withdrawnAt + 60_000, withdrawnAt + 61_000)],
  }));
  assert.equal(w.store.evidence.forNotice(w.withdrawn)[0]!.goneAt, iso(withdrawnAt + 61_000));
});

test("sightings of another board's notice, an unknown notice or a draft are refused", () => {
  using w = world();
  refused(w, report({ sightings: [sighting(w.foreign, T0 - HOUR, T0 - 1000)] }), 422, /takové oznámení na desce lhota není/);
  refused(w, report({ sightings: [sighting('no-such-notice', T0 - HOUR, T0 - 1000)] }), 422, /takové oznámení na desce lhota není/);
  refused(w, report({ sightings: [sighting(w.draft, T0 - HOUR, T0 - 1000)] }), 422, /nebylo zveřejněno/);
});

test('malformed reports are refused with 400 and nothing stored', () => {
  using w = world();
  refused(w, null, 400, /objekt JSON/);
  refused(w, [], 400, /objekt JSON/);
  refused(w, report({ kioskId: 'Lobby 1' }), 400, /identifikátor kiosku/);
  refused(w, report({ sightings: 'all' as never }), 400, /sightings/);
  refused(w, report({ appliedSeq: -1 }), 400, /appliedSeq/);
  refused(w, report({ outages: [{ from: iso(T0 - HOUR), to: null, reason: 'bored' as never }] }), 400, /neznámý důvod "bored"/);
  refused(w, report({ outages: [{ from: iso(T0 - HOUR), to: iso(T0 - 2 * HOUR), reason: 'stale' }] }), 422, /konec je před začátkem/);
  refused(w, report({ screenOn: 'yes' as never }), 400, /screenOn/);
  refused(w, report({ clockOffsetMs: 1.5 }), 400, /clockOffsetMs/);
  refused(w, report({ lastError: 'x'.repeat(5000) }), 400, /lastError/);
});

test('a stored value that is not an instant (written before validation existed) leaves the certificate rendering', async () => {
  using w = world();
  // Straight into SQLite, as an older version could have stored it.
  w.store.db.prepare("INSERT INTO sightings VALUES (?, 'kiosk:old', 'včera', '2026-02-30T00:00:00Z', NULL)").run(w.posted);
  const { renderCertificate } = await import('../../src-main/evidence/certificate.ts');
  const notice = w.store.notices.require(w.posted);
  const pdf = await renderCertificate({
    board: BOARD, notice, events: w.store.audit.list(notice.id), sightings: w.store.evidence.forNotice(notice.id),
    kiosks: [], outages: w.store.evidence.outages(), generatedAt: T0, generatedBy: 'test',
  });
  assert.ok(pdf.byteLength > 1000);
});
