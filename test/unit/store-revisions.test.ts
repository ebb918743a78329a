/**
 * Corrections of posted notices in the store (store/revisions.ts) on a real SQLite file: a reason
 * is required, the notice keeps its id, every revision is kept with its content hash, the lawful
 * period restarts only when asked and is never shortened, and the audit chain records it all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Board } from '../../src-main/shared/domain.ts';
import { sha256Hex } from '../../src-main/publication/signing.ts';
import { DomainError, type NewAttachment } from '../../src-main/store/notices.ts';
import { Store } from '../../src-main/store/store.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { describeChange } from '../../src-main/shared/revisions.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/deska/' };
/** Monday 2 November 2026, 09:00 in Prague. 15 days end on Tuesday 17 November, a public holiday: the period moves to Wednesday 18 November. */
const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function setup(dir: string): { store: Store; id: string; pdf: NewAttachment; pdf2: NewAttachment } {
  const store = Store.open(dir, () => T0);
  store.createBoard(BOARD, T0);
  const a = store.blobs.put(Buffer.from('%PDF-1.7\n% vyhlaska\n'), 'application/pdf', T0);
  const b = store.blobs.put(Buffer.from('%PDF-1.7\n% oprava\n'), 'application/pdf', T0);
  const pdf = { ...a, name: 'vyhlaska.pdf' };
  const n = store.notices.create(BOARD, {
    title: 'Veřejná vyhláška – opatření obecné povahy', description: 'Oznámení o vydání.', category: 'Veřejná vyhláška', department: 'Stavební úřad',
    referenceNumber: 'MULH/1/2026', fileMark: 'SZ 1/2026', postAt: iso(T0), removeAt: '2026-11-19T23:00:00.000Z', type: 'cz-verejna-vyhlaska',
  }, [pdf], 'jana', T0 - 60_000);
  store.notices.publish(n.id, 'vedouci', T0 - 30_000);
  return { store, id: n.id, pdf, pdf2: { ...b, name: 'oprava.pdf' } };
}

function refused(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('a correction without a reason is refused in Czech and changes nothing', () => {
  using dir = tempDir();
  const { store, id } = setup(dir.path);
  try {
    const before = store.notices.require(id);
    for (const reason of ['', '  ', 'x']) {
      refused(() => store.revisions.correct(id, { patch: { title: 'Nový název' }, add: [], removeShas: [], reason, restartPeriod: false }, 'jana', T0 + DAY),
        'reason_required', /Uveďte důvod opravy/);
    }
    assert.deepEqual(store.notices.require(id), before);
    assert.deepEqual(store.revisions.list(id), []);
  } finally {
    store.close();
  }
});

test('a typo fixed without a restart: same id, revision 1 kept as posted, the lawful period unchanged, chain intact', () => {
  using dir = tempDir();
  const { store, id } = setup(dir.path);
  try {
    const at = T0 + DAY;
    const n = store.revisions.correct(id, { patch: { title: 'Veřejná vyhláška – opatření obecné povahy č. 1/2026' }, add: [], removeShas: [], reason: 'Překlep v názvu', restartPeriod: false }, 'jana', at);
    assert.equal(n.id, id);
    assert.equal(n.title, 'Veřejná vyhláška – opatření obecné povahy č. 1/2026');
    assert.equal(n.removeAt, '2026-11-19T23:00:00.000Z', 'no restart: the removal stays');
    const [r1, r2, ...more] = store.revisions.list(id);
    assert.equal(more.length, 0);
    assert.equal(r1!.revision, 1);
    assert.equal(r1!.content.title, 'Veřejná vyhláška – opatření obecné povahy');
    assert.equal(r1!.at, iso(T0));
    assert.equal(r1!.actor, 'vedouci', 'revision 1 is by whoever published');
    assert.equal(r1!.lawfulRemoveAt, '2026-11-18T23:00:00.000Z', '15 days end on the 17th, a holiday: removal from 19 Nov 00:00');
    assert.equal(r2!.revision, 2);
    assert.equal(r2!.reason, 'Překlep v názvu');
    assert.equal(r2!.actor, 'jana');
    assert.equal(r2!.at, iso(at));
    assert.equal(r2!.restartsPeriod, false);
    assert.equal(r2!.periodStartAt, iso(T0));
    assert.equal(r2!.lawfulRemoveAt, '2026-11-18T23:00:00.000Z');
    assert.equal(r2!.contentSha256, sha256Hex(JSON.stringify(r2!.content)));
    assert.notEqual(r2!.contentSha256, r1!.contentSha256);
    assert.deepEqual(r2!.changes, [{ field: 'title', from: 'Veřejná vyhláška – opatření obecné povahy', to: 'Veřejná vyhláška – opatření obecné povahy č. 1/2026' }]);
    assert.equal(describeChange(r2!.changes[0]!), 'Název: „Veřejná vyhláška – opatření obecné povahy“ → „Veřejná vyhláška – opatření obecné povahy č. 1/2026“');
    assert.equal(store.revisions.periodStart(n), iso(T0));
    const ev = store.audit.list(id).filter((e) => e.action === 'corrected');
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0]!.detail.revision, r2);
    assert.deepEqual(ev[0]!.detail.original, r1);
    const v = verifyStore(store);
    assert.deepEqual(v.problems, []);
    // A second correction numbers on; revision 1 is not recorded again.
    store.revisions.correct(id, { patch: { fileMark: 'SZ 2/2026' }, add: [], removeShas: [], reason: 'Chybná spisová značka', restartPeriod: false }, 'jana', at + 1000);
    assert.deepEqual(store.revisions.list(id).map((r) => r.revision), [1, 2, 3]);
    assert.equal(store.audit.list(id).filter((e) => e.action === 'corrected').at(-1)!.detail.original, undefined);
  } finally {
    store.close();
  }
});

test('a restart counts the period again from the correction and moves the removal later; never shorter', () => {
  using dir = tempDir();
  const { store, id, pdf, pdf2 } = setup(dir.path);
  try {
    // Saturday 7 November 09:00: 15 days end on Sunday 22 November, so Monday 23 November; removal from 24 Nov 00:00 (23:00Z).
    const at = Date.parse('2026-11-07T08:00:00.000Z');
    const preview = store.revisions.preview(id, at)!;
    assert.deepEqual(preview.keep, { periodStartAt: iso(T0), lastDay: '2026-11-18', lawfulRemoveAt: '2026-11-18T23:00:00.000Z', removeAt: '2026-11-19T23:00:00.000Z' });
    assert.deepEqual(preview.restart, { periodStartAt: iso(at), lastDay: '2026-11-23', lawfulRemoveAt: '2026-11-23T23:00:00.000Z', removeAt: '2026-11-23T23:00:00.000Z' });

    // Asked for a removal the restarted period forbids: refused, naming the day.
    refused(() => store.revisions.correct(id, { patch: { removeAt: '2026-11-21T23:00:00.000Z' }, add: [pdf2], removeShas: [pdf.sha256], reason: 'Nahrazena příloha', restartPeriod: true }, 'jana', at),
      'before_lawful_removal', /pondělí 23\. 11\. 2026/);
    const n = store.revisions.correct(id, { patch: {}, add: [pdf2], removeShas: [pdf.sha256], reason: 'Nahrazena chybná příloha', restartPeriod: true }, 'jana', at);
    assert.equal(n.removeAt, '2026-11-23T23:00:00.000Z', 'the removal moved to the new lawful removal');
    assert.deepEqual(n.attachments.map((a) => a.name), ['oprava.pdf']);
    assert.equal(n.postAt, iso(T0), 'the posting instant is history');
    const r2 = store.revisions.list(id)[1]!;
    assert.equal(r2.restartsPeriod, true);
    assert.equal(r2.periodStartAt, iso(at));
    assert.equal(r2.lawfulRemoveAt, '2026-11-23T23:00:00.000Z');
    assert.deepEqual(r2.changes, [
      { field: 'removeAt', from: '2026-11-19T23:00:00.000Z', to: '2026-11-23T23:00:00.000Z' },
      { field: 'attachments', added: ['oprava.pdf'], removed: ['vyhlaska.pdf'] },
    ]);
    assert.deepEqual(r2.content.attachments, [{ sha256: pdf2.sha256, name: 'oprava.pdf', size: pdf2.size }]);
    assert.equal(store.revisions.periodStart(n), iso(at));

    // The period now runs to 23 November: a correction may not shorten it, neither by a type without a minimum ...
    refused(() => store.revisions.correct(id, { patch: { type: 'general' }, add: [], removeShas: [], reason: 'Jiný typ', restartPeriod: false }, 'jana', at + DAY),
      'period_shortened', /zkrátila zákonnou lhůtu/);
    // ... nor by an earlier removal, nor by a later correction without a restart (the restart stays the start).
    refused(() => store.revisions.correct(id, { patch: { removeAt: '2026-11-22T23:00:00.000Z', title: 'X' }, add: [], removeShas: [], reason: 'Kratší', restartPeriod: false }, 'jana', at + DAY),
      'early_removal');
    const later = store.revisions.correct(id, { patch: { department: 'Odbor výstavby' }, add: [], removeShas: [], reason: 'Přejmenovaný odbor', restartPeriod: false }, 'jana', at + DAY);
    assert.equal(later.removeAt, '2026-11-23T23:00:00.000Z');
    assert.equal(store.revisions.list(id)[2]!.periodStartAt, iso(at));
    assert.deepEqual(verifyStore(store).problems, []);
  } finally {
    store.close();
  }
});

test('what is not a correction is refused: a scheduled or withdrawn notice, nothing changed, a shorter removal; rows are immutable', () => {
  using dir = tempDir();
  const { store, id } = setup(dir.path);
  try {
    const future = store.notices.create(BOARD, {
      title: 'Pozvánka', description: 'Zasedání', category: '', department: '', referenceNumber: '', fileMark: '', postAt: iso(T0 + 5 * DAY), removeAt: null,
    }, [], 'jana', T0);
    store.notices.publish(future.id, 'jana', T0);
    refused(() => store.revisions.correct(future.id, { patch: { title: 'Y' }, add: [], removeShas: [], reason: 'Důvod', restartPeriod: false }, 'jana', T0 + DAY), 'not_posted', /běžnou úpravou/);
    refused(() => store.revisions.correct(id, { patch: { title: 'Veřejná vyhláška – opatření obecné povahy' }, add: [], removeShas: [], reason: 'Nic', restartPeriod: false }, 'jana', T0 + DAY), 'nothing_changed');
    refused(() => store.revisions.correct(id, { patch: { removeAt: '2026-11-19T22:00:00.000Z' }, add: [], removeShas: [], reason: 'Dřív', restartPeriod: false }, 'jana', T0 + DAY), 'early_removal');
    store.revisions.correct(id, { patch: { description: 'Oznámení o vydání opatření.' }, add: [], removeShas: [], reason: 'Doplněn text', restartPeriod: false }, 'jana', T0 + DAY);
    assert.throws(() => store.db.prepare("UPDATE notice_revisions SET reason = 'jiný' WHERE notice_id = ?").run(id), /immutable/);
    assert.throws(() => store.db.prepare('DELETE FROM notice_revisions WHERE notice_id = ?').run(id), /immutable/);
    store.notices.withdraw(id, 'Zrušeno odvolacím orgánem', 'jana', T0 + 2 * DAY);
    refused(() => store.revisions.correct(id, { patch: { title: 'Z' }, add: [], removeShas: [], reason: 'Důvod', restartPeriod: false }, 'jana', T0 + 3 * DAY), 'closed');
  } finally {
    store.close();
  }
});
