import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Board, NoticeFields } from '../../src-main/shared/domain.ts';
import { fromWallTime } from '../../src-main/shared/zone.ts';
import { DomainError, type NewAttachment } from '../../src-main/store/notices.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const ZONE = 'Europe/Prague';
const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: ZONE, publicUrl: 'https://lhota.example/deska/' };
const T0 = Date.parse('2026-03-20T09:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number): string => new Date(ms).toISOString();
/** 02:30 on the spring-forward night does not exist; it resolves to 03:30 CEST = 01:30Z. */
const SPRING_0230 = fromWallTime({ date: '2026-03-29', time: '02:30' }, ZONE);
/** 02:30 on the autumn night happens twice; the later one (CET) = 01:30Z. */
const AUTUMN_0230 = fromWallTime({ date: '2026-10-25', time: '02:30' }, ZONE);

function fields(over: Partial<NoticeFields> = {}): NoticeFields {
  return {
    title: 'Veřejná vyhláška o místním poplatku',
    description: 'Oznámení o vydání opatření obecné povahy.',
    category: 'Veřejná vyhláška',
    department: 'Finanční odbor',
    referenceNumber: 'MULH/123/2026',
    fileMark: 'SZ 45/2026',
    postAt: iso(T0 + DAY),
    removeAt: iso(T0 + 16 * DAY),
    ...over,
  };
}

function open(dir: string): { store: Store; pdf: NewAttachment; pdf2: NewAttachment } {
  const store = Store.open(dir, () => T0);
  store.createBoard(BOARD, T0);
  const a = store.blobs.put(Buffer.from('%PDF-1.7\n% vyhlaska\n'), 'application/pdf', T0);
  const b = store.blobs.put(Buffer.from('%PDF-1.7\n% priloha\n'), 'application/pdf', T0);
  return { store, pdf: { ...a, name: 'vyhlaska.pdf' }, pdf2: { ...b, name: 'priloha.pdf' } };
}

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DomainError && e.code === code, `expected DomainError ${code}`);
}

test('create stores a draft with its attachments and logs "created" by the actor', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.create(BOARD, fields({ title: '  Záměr prodeje pozemku  ' }), [pdf], 'jana', T0);
    assert.equal(n.title, 'Záměr prodeje pozemku');
    assert.equal(n.publishedAt, null);
    assert.equal(n.revision, 1);
    assert.equal(store.notices.stateOf(n, T0 + 2 * DAY), 'draft');
    assert.deepEqual(n.attachments, [{ sha256: pdf.sha256, name: 'vyhlaska.pdf', size: pdf.size, mediaType: 'application/pdf' }]);
    const [e, ...more] = store.audit.list(n.id);
    assert.deepEqual(more, []);
    assert.equal(e!.action, 'created');
    assert.equal(e!.actor, 'jana');
    assert.equal(e!.at, iso(T0));
    assert.deepEqual(e!.detail.attachments, [pdf.sha256]);
  } finally {
    store.close();
  }
});

test('field rules: title required, instants must be UTC ISO, removal after posting', () => {
  using dir = tempDir();
  const { store } = open(dir.path);
  try {
    rejects(() => store.notices.create(BOARD, fields({ title: '   ' }), [], 'jana', T0), 'title_required');
    rejects(() => store.notices.create(BOARD, fields({ postAt: '2026-03-21T10:00:00+01:00' }), [], 'jana', T0), 'bad_instant');
    rejects(() => store.notices.create(BOARD, fields({ removeAt: iso(T0 + DAY) }), [], 'jana', T0), 'removal_before_posting');
    assert.deepEqual(store.audit.list(), [], 'a refused write logs nothing');
    assert.deepEqual(store.notices.list(BOARD.id), []);
  } finally {
    store.close();
  }
});

test('editing a draft logs "edited" with from/to per field and bumps the revision; a no-op logs nothing', () => {
  using dir = tempDir();
  const { store, pdf, pdf2 } = open(dir.path);
  try {
    const n = store.notices.create(BOARD, fields(), [pdf], 'jana', T0);
    const u = store.notices.update(n.id, { title: 'Nový název', category: n.category }, [pdf2], [pdf.sha256], 'petr', T0 + 1000);
    assert.equal(u.title, 'Nový název');
    assert.equal(u.revision, 2);
    assert.deepEqual(u.attachments.map((a) => a.name), ['priloha.pdf']);
    const e = store.audit.list(n.id).at(-1)!;
    assert.equal(e.action, 'edited');
    assert.equal(e.actor, 'petr');
    assert.deepEqual(e.detail, {
      changed: { title: { from: n.title, to: 'Nový název' } },
      addedAttachments: [pdf2.sha256],
      removedAttachments: [pdf.sha256],
    });
    const same = store.notices.update(n.id, { title: 'Nový název' }, [], [], 'petr', T0 + 2000);
    assert.equal(same.revision, 2);
    assert.equal(store.audit.list(n.id).length, 2);
  } finally {
    store.close();
  }
});

test('publish: needs a posting instant and content; keeps a future instant; logs "published" by the actor', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const noDate = store.notices.create(BOARD, fields({ postAt: null, removeAt: null }), [pdf], 'jana', T0);
    rejects(() => store.notices.publish(noDate.id, 'jana', T0), 'missing_post_at');
    const empty = store.notices.create(BOARD, fields({ description: ' ' }), [], 'jana', T0);
    rejects(() => store.notices.publish(empty.id, 'jana', T0), 'empty');

    const n = store.notices.create(BOARD, fields({ postAt: iso(SPRING_0230), removeAt: iso(AUTUMN_0230) }), [pdf], 'jana', T0);
    const p = store.notices.publish(n.id, 'vedouci', T0 + 5000);
    assert.equal(p.postAt, '2026-03-29T01:30:00.000Z');
    assert.equal(p.publishedAt, iso(T0 + 5000));
    assert.equal(store.notices.stateOf(p, T0 + 5000), 'scheduled');
    const e = store.audit.list(n.id).at(-1)!;
    assert.equal(e.action, 'published');
    assert.equal(e.actor, 'vedouci');
    assert.deepEqual(e.detail, { postAt: '2026-03-29T01:30:00.000Z', removeAt: '2026-10-25T01:30:00.000Z' });
    rejects(() => store.notices.publish(n.id, 'vedouci', T0 + 6000), 'already_published');
  } finally {
    store.close();
  }
});

test('publishing with a posting instant already past posts "now" and records the requested one', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.create(BOARD, fields({ postAt: iso(T0 - HOUR), removeAt: iso(T0 + 15 * DAY) }), [pdf], 'jana', T0 - 2 * HOUR);
    const p = store.notices.publish(n.id, 'jana', T0);
    assert.equal(p.postAt, iso(T0), 'never backdated: the notice was not on the board an hour ago');
    assert.equal(store.notices.stateOf(p, T0), 'posted');
    assert.deepEqual(store.audit.list(n.id).at(-1)!.detail, { postAt: iso(T0), removeAt: iso(T0 + 15 * DAY), requestedPostAt: iso(T0 - HOUR) });

    const late = store.notices.create(BOARD, fields({ postAt: iso(T0 - 2 * DAY), removeAt: iso(T0 - DAY) }), [pdf], 'jana', T0 - 3 * DAY);
    rejects(() => store.notices.publish(late.id, 'jana', T0), 'removal_before_posting');
  } finally {
    store.close();
  }
});

test('a scheduled notice may change, but not into the past', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.publish(store.notices.create(BOARD, fields(), [pdf], 'jana', T0).id, 'jana', T0);
    rejects(() => store.notices.update(n.id, { postAt: iso(T0 - HOUR) }, [], [], 'jana', T0 + 1), 'post_in_past');
    const u = store.notices.update(n.id, { postAt: iso(T0 + 2 * DAY) }, [], [], 'jana', T0 + 1);
    assert.equal(u.postAt, iso(T0 + 2 * DAY));
  } finally {
    store.close();
  }
});

test('a posted notice is immutable: only a later removal is allowed', () => {
  using dir = tempDir();
  const { store, pdf, pdf2 } = open(dir.path);
  try {
    const n = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(T0) }), [pdf], 'jana', T0).id, 'jana', T0);
    const now = T0 + HOUR;
    assert.equal(store.notices.stateOf(n, now), 'posted');
    const events = store.audit.list(n.id).length;
    rejects(() => store.notices.update(n.id, { title: 'Jiný' }, [], [], 'jana', now), 'posted_immutable');
    rejects(() => store.notices.update(n.id, { postAt: iso(T0 + 2 * HOUR) }, [], [], 'jana', now), 'posted_immutable');
    rejects(() => store.notices.update(n.id, {}, [pdf2], [], 'jana', now), 'posted_immutable');
    rejects(() => store.notices.update(n.id, {}, [], [pdf.sha256], 'jana', now), 'posted_immutable');
    rejects(() => store.notices.update(n.id, { removeAt: iso(T0 + 10 * DAY) }, [], [], 'jana', now), 'early_removal');
    assert.equal(store.audit.list(n.id).length, events);

    const later = store.notices.update(n.id, { removeAt: iso(T0 + 30 * DAY) }, [], [], 'starosta', now);
    assert.equal(later.removeAt, iso(T0 + 30 * DAY));
    const e = store.audit.list(n.id).at(-1)!;
    assert.equal(e.actor, 'starosta');
    assert.deepEqual(e.detail.changed, { removeAt: { from: iso(T0 + 16 * DAY), to: iso(T0 + 30 * DAY) } });
  } finally {
    store.close();
  }
});

test('a posted open-ended notice cannot be given a removal instant (that would be an early end)', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(T0), removeAt: null }), [pdf], 'jana', T0).id, 'jana', T0);
    // Retroactive: it would claim the notice left the board before it did.
    rejects(() => store.notices.update(n.id, { removeAt: iso(T0 + HOUR) }, [], [], 'jana', T0 + 2 * HOUR), 'early_removal');
    rejects(() => store.notices.update(n.id, { removeAt: iso(T0 + 30 * DAY) }, [], [], 'jana', T0 + 2 * HOUR), 'early_removal');
    assert.equal(store.notices.require(n.id).removeAt, null);
  } finally {
    store.close();
  }
});

test('withdraw needs a reason and a published, not yet removed notice; logs the reason and the state before', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const draft = store.notices.create(BOARD, fields(), [pdf], 'jana', T0);
    rejects(() => store.notices.withdraw(draft.id, 'chyba v textu', 'jana', T0), 'not_withdrawable');
    const n = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(T0) }), [pdf], 'jana', T0).id, 'jana', T0);
    rejects(() => store.notices.withdraw(n.id, '  ', 'jana', T0 + HOUR), 'reason_required');
    const w = store.notices.withdraw(n.id, '  chybná příloha ', 'vedouci', T0 + HOUR);
    assert.equal(w.withdrawReason, 'chybná příloha');
    assert.equal(store.notices.stateOf(w, T0 + HOUR), 'withdrawn');
    const e = store.audit.list(n.id).at(-1)!;
    assert.equal(e.action, 'withdrawn');
    assert.equal(e.actor, 'vedouci');
    assert.deepEqual(e.detail, { reason: 'chybná příloha', stateBefore: 'posted' });
    rejects(() => store.notices.withdraw(n.id, 'znovu', 'vedouci', T0 + 2 * HOUR), 'not_withdrawable');
    rejects(() => store.notices.update(n.id, { removeAt: iso(T0 + 30 * DAY) }, [], [], 'jana', T0 + 2 * HOUR), 'closed');

    const old = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(T0), removeAt: iso(T0 + DAY) }), [pdf], 'jana', T0).id, 'jana', T0);
    rejects(() => store.notices.withdraw(old.id, 'pozdě', 'jana', T0 + 2 * DAY), 'not_withdrawable');
    assert.deepEqual(store.notices.live(BOARD.id, T0 + HOUR + 1).map((x) => x.id), [old.id]);
  } finally {
    store.close();
  }
});

test('dueTransitions: nothing a millisecond early across the spring gap, posted and removed once logged are not due again', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.publish(
      store.notices.create(BOARD, fields({ postAt: iso(SPRING_0230), removeAt: iso(AUTUMN_0230) }), [pdf], 'jana', T0).id,
      'jana',
      T0,
    );
    assert.deepEqual(store.notices.dueTransitions(SPRING_0230 - 1), []);
    const due = store.notices.dueTransitions(SPRING_0230);
    assert.deepEqual(due.map((d) => [d.notice.id, d.action, d.at]), [[n.id, 'posted', '2026-03-29T01:30:00.000Z']]);
    store.audit.append({ at: SPRING_0230, actor: 'system:schedule', action: 'posted', noticeId: n.id });
    assert.deepEqual(store.notices.dueTransitions(AUTUMN_0230 - 1), []);
    assert.deepEqual(store.notices.dueTransitions(AUTUMN_0230).map((d) => [d.action, d.at]), [['removed', '2026-10-25T01:30:00.000Z']]);
    // Far past both instants without anything logged: both due, in order.
    const other = store.notices.publish(store.notices.create(BOARD, fields(), [pdf], 'jana', T0).id, 'jana', T0);
    assert.deepEqual(
      store.notices.dueTransitions(T0 + 100 * DAY).filter((d) => d.notice.id === other.id).map((d) => [d.action, d.at]),
      [['posted', other.postAt], ['removed', other.removeAt]],
    );
  } finally {
    store.close();
  }
});

test('a notice withdrawn before posting never becomes due; one withdrawn while posted is not "removed" later', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const early = store.notices.publish(store.notices.create(BOARD, fields(), [pdf], 'jana', T0).id, 'jana', T0);
    store.notices.withdraw(early.id, 'zrušeno', 'jana', T0 + HOUR);
    const posted = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(T0) }), [pdf], 'jana', T0).id, 'jana', T0);
    store.audit.append({ at: T0, actor: 'system:schedule', action: 'posted', noticeId: posted.id });
    store.notices.withdraw(posted.id, 'zrušeno', 'jana', T0 + HOUR);
    assert.deepEqual(store.notices.dueTransitions(T0 + 100 * DAY), []);
    assert.deepEqual(store.notices.instantsAfter(T0 + HOUR, 10), []);
  } finally {
    store.close();
  }
});

test('instantsAfter lists published instants strictly after, ascending, without drafts', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    store.notices.create(BOARD, fields({ postAt: iso(T0 + HOUR) }), [pdf], 'jana', T0);
    const a = store.notices.publish(store.notices.create(BOARD, fields({ postAt: iso(SPRING_0230), removeAt: iso(AUTUMN_0230) }), [pdf], 'jana', T0).id, 'jana', T0);
    const b = store.notices.publish(store.notices.create(BOARD, fields(), [pdf], 'jana', T0).id, 'jana', T0);
    const all = [Date.parse(b.postAt!), SPRING_0230, Date.parse(b.removeAt!), AUTUMN_0230].sort((x, y) => x - y);
    assert.deepEqual(store.notices.instantsAfter(T0, 10), all);
    assert.deepEqual(store.notices.instantsAfter(T0), [all[0]]);
    assert.deepEqual(store.notices.instantsAfter(SPRING_0230, 10), all.filter((t) => t > SPRING_0230));
    assert.equal(a.id.length > 0, true);
    assert.deepEqual(store.notices.postingsAfter(T0, 10), [Date.parse(b.postAt!), SPRING_0230], 'postings only, no removals');
    assert.deepEqual(store.notices.postingsAfter(SPRING_0230, 10), []);
  } finally {
    store.close();
  }
});

test('instants given without milliseconds are due at the exact instant too', () => {
  using dir = tempDir();
  const { store, pdf } = open(dir.path);
  try {
    const n = store.notices.publish(
      store.notices.create(BOARD, fields({ postAt: '2026-03-29T01:30:00Z', removeAt: '2026-10-25T01:30:00Z' }), [pdf], 'jana', T0).id,
      'jana',
      T0,
    );
    assert.deepEqual(store.notices.dueTransitions(SPRING_0230 - 1), []);
    assert.deepEqual(store.notices.dueTransitions(SPRING_0230).map((d) => d.action), ['posted']);
    assert.deepEqual(store.notices.instantsAfter(SPRING_0230, 1), [AUTUMN_0230], 'the instant just reached is not "after" it');
    assert.deepEqual(store.notices.live(BOARD.id, AUTUMN_0230), [], 'gone at the removal instant');
    assert.equal(store.notices.stateOf(n, AUTUMN_0230), 'removed');
  } finally {
    store.close();
  }
});
