/**
 * Full-text search on a real store (SQLite file in a temp folder): diacritics, prefixes, ranking,
 * snippets, every filter, hostile queries, and the index following edits, attachments and
 * withdrawals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Board, NoticeFields, NoticeState } from '../../src-main/shared/domain.ts';
import { ftsQuery, SearchQueryError } from '../../src-main/search/query.ts';
import { searchNotices, type SearchFilters, type SearchPage } from '../../src-main/search/search.ts';
import type { Notice } from '../../src-main/shared/domain.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const board = (id: string): Board => ({ id, name: `Obec ${id}`, ico: '00012345', timeZone: 'Europe/Prague', publicUrl: `https://${id}.example/` });

function fields(over: Partial<NoticeFields> = {}): NoticeFields {
  return {
    title: 'Oznámení',
    description: '—',
    category: 'Oznámení',
    department: 'Obecní úřad',
    referenceNumber: '',
    fileMark: '',
    postAt: iso(T0 + DAY),
    removeAt: iso(T0 + 16 * DAY),
    ...over,
  };
}

interface World {
  store: Store;
  add(over: Partial<NoticeFields>, o?: { board?: string; text?: string; publish?: boolean; at?: number }): Notice;
  find(q: string, f?: Partial<SearchFilters>, now?: number, limit?: number): SearchPage;
  ids(q: string, f?: Partial<SearchFilters>, now?: number): string[];
}

function world(dir: string): World {
  const store = Store.open(dir, () => T0);
  store.createBoard(board('lhota'), T0);
  store.createBoard(board('ves'), T0);
  let n = 0;
  return {
    store,
    add(over, o = {}) {
      const b = store.board(o.board ?? 'lhota')!;
      const attachments = [];
      if (o.text !== undefined) {
        const blob = store.blobs.put(Buffer.from(`%PDF-1.7\n% ${n++} ${o.text}\n`), 'application/pdf', T0);
        store.db.prepare("INSERT INTO attachment_texts (sha256, status, text, extracted_at) VALUES (?, 'ok', ?, ?)").run(blob.sha256, o.text, iso(T0));
        attachments.push({ ...blob, name: 'priloha.pdf' });
      }
      const notice = store.notices.create(b, fields(over), attachments, 'jana', o.at ?? T0);
      return o.publish === false ? notice : store.notices.publish(notice.id, 'jana', o.at ?? T0);
    },
    find(q, f = {}, now = T0 + 2 * DAY, limit = 20) {
      return searchNotices(store.db, q, { boards: ['lhota', 'ves'], ...f }, { limit, offset: 0 }, now);
    },
    ids(q, f = {}, now = T0 + 2 * DAY) {
      return this.find(q, f, now).results.map((r) => r.noticeId);
    },
  };
}

test('no diacritics needed, any case: "zadost" and "ŽÁDOST" find "Žádost"; diacritics in the query work too', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const a = w.add({ title: 'Žádost o vydání územního rozhodnutí' });
    w.add({ title: 'Veřejná vyhláška' });
    assert.deepEqual(w.ids('zadost'), [a.id]);
    assert.deepEqual(w.ids('ŽÁDOST'), [a.id]);
    assert.deepEqual(w.ids('územní'), [a.id]);
    assert.deepEqual(w.ids('uzemniho rozhodnuti'), [a.id]);
  } finally {
    w.store.close();
  }
});

test('prefixes: "zad" finds Žádost, "stavebn" finds stavební, a číslo jednací by its start, one letter is a whole word', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const a = w.add({ title: 'Žádost o stavební povolení', referenceNumber: 'MULH/1234/2026' });
    const b = w.add({ title: 'Zápis z jednání', description: 'bod a' });
    assert.deepEqual(w.ids('zad'), [a.id]);
    assert.deepEqual(w.ids('stavebn'), [a.id]);
    assert.deepEqual(w.ids('MULH/12'), [a.id]);
    assert.deepEqual(w.ids('mulh 1234 2026'), [a.id]);
    assert.deepEqual(w.ids('za').sort(), [a.id, b.id].sort());
    assert.deepEqual(w.ids('a'), [b.id], 'one letter matches the word "a", not every word starting with a');
    assert.deepEqual(w.ids('"stavební povolení"'), [a.id]);
    assert.deepEqual(w.ids('"povolení stavební"'), [], 'a quoted phrase keeps its order');
  } finally {
    w.store.close();
  }
});

test('every field is searched: description, číslo jednací, spisová značka, issuer, attachment text', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const d = w.add({ description: 'Výběrové řízení na kominíka' });
    const r = w.add({ referenceNumber: 'OÚ-778/2026' });
    const f = w.add({ fileMark: 'SZ 99/2025 Vod' });
    const i = w.add({ department: 'Krajský úřad Pardubického kraje' });
    const t = w.add({}, { text: 'Stanovení přechodné úpravy provozu na pozemních komunikacích' });
    assert.deepEqual(w.ids('kominik'), [d.id]);
    assert.deepEqual(w.ids('ou-778'), [r.id]);
    assert.deepEqual(w.ids('SZ 99/2025'), [f.id]);
    assert.deepEqual(w.ids('pardubick'), [i.id]);
    assert.deepEqual(w.ids('upravy provozu'), [t.id]);
  } finally {
    w.store.close();
  }
});

test('ranked: a match in the title comes before one in the description, which comes before one in an attachment', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const inText = w.add({ title: 'Rozpočet obce' }, { text: 'Kanalizace a čistírna odpadních vod, etapa II. Dlouhý text o mnoha jiných věcech.' });
    const inDescription = w.add({ title: 'Oznámení', description: 'Stavba kanalizace v ulici Polní' });
    const inTitle = w.add({ title: 'Kanalizace – uzavírka silnice' });
    const page = w.find('kanalizace');
    assert.deepEqual(page.results.map((r) => r.noticeId), [inTitle.id, inDescription.id, inText.id]);
    assert.ok(page.results[0]!.score > page.results[1]!.score && page.results[1]!.score > page.results[2]!.score);
  } finally {
    w.store.close();
  }
});

test('snippets highlight the match with <mark> and escape the rest: stored text never becomes HTML', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    w.add(
      { title: 'Žádost <script>alert(1)</script> & "uvozovky"', description: 'Úvod. '.repeat(40) + 'Žádosti se podávají <b>písemně</b>. ' + 'Závěr. '.repeat(40) },
      { text: 'Příloha: žádost <img src=x onerror=alert(1)> o dotaci' },
    );
    const [hit] = w.find('zadost').results;
    assert.ok(hit);
    assert.equal(hit.title, 'Žádost <script>alert(1)</script> & "uvozovky"', 'the plain title is unchanged (the client escapes it)');
    assert.equal(hit.snippets.title, '<mark>Žádost</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;uvozovky&quot;');
    assert.match(hit.snippets.description!, /<mark>Žádosti<\/mark> se podávají &lt;b&gt;písemně&lt;\/b&gt;/);
    assert.match(hit.snippets.description!, /^…/, 'a long description is cut around the match');
    assert.match(hit.snippets.attachments!, /<mark>žádost<\/mark> &lt;img src=x onerror=alert\(1\)&gt; o dotaci/);
    assert.equal(hit.snippets.referenceNumber, null, 'a field without a match has no snippet');
    assert.doesNotMatch(JSON.stringify(hit.snippets), /<(?!\/?mark>)/, 'no tag but <mark> in any snippet');
  } finally {
    w.store.close();
  }
});

test('filters: board, category, type (once notices have it), state at the instant, date range', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const at = (days: number): string => iso(T0 + days * DAY);
    const draft = w.add({ title: 'Rozpočet draft', postAt: null, removeAt: null }, { publish: false });
    const scheduled = w.add({ title: 'Rozpočet scheduled', postAt: at(10), removeAt: at(30), category: 'Finance' });
    const posted = w.add({ title: 'Rozpočet posted', postAt: at(1), removeAt: at(20), category: 'Finance' });
    const removed = w.add({ title: 'Rozpočet removed', postAt: at(0.5), removeAt: at(1.5) });
    const withdrawn = w.add({ title: 'Rozpočet withdrawn', postAt: at(1), removeAt: at(20) });
    w.store.notices.withdraw(withdrawn.id, 'Chybná příloha', 'jana', T0 + 1.2 * DAY);
    const other = w.add({ title: 'Rozpočet ves', postAt: at(1), removeAt: at(20) }, { board: 'ves' });
    const now = T0 + 2 * DAY;
    const ids = (f: Partial<SearchFilters>): string[] => w.ids('rozpocet', f, now).sort();
    const sorted = (...n: Notice[]): string[] => n.map((x) => x.id).sort();

    assert.deepEqual(ids({}), sorted(draft, scheduled, posted, removed, withdrawn, other));
    assert.deepEqual(ids({ boards: ['ves'] }), sorted(other));
    assert.deepEqual(ids({ category: 'Finance' }), sorted(scheduled, posted));
    const byState = (s: NoticeState): string[] => ids({ states: [s] });
    assert.deepEqual(byState('draft'), sorted(draft));
    assert.deepEqual(byState('scheduled'), sorted(scheduled));
    assert.deepEqual(byState('posted'), sorted(posted, other));
    assert.deepEqual(byState('removed'), sorted(removed));
    assert.deepEqual(byState('withdrawn'), sorted(withdrawn));
    assert.deepEqual(ids({ states: ['posted', 'scheduled'] }), sorted(scheduled, posted, other));
    assert.deepEqual(w.find('rozpocet', { states: ['scheduled'] }, T0 + 11 * DAY).results.length, 0, 'state is taken at the instant asked');
    // Date range on the posting instant (a draft's creation).
    assert.deepEqual(ids({ from: at(0.9), to: at(1.1) }), sorted(posted, withdrawn, other));
    assert.deepEqual(ids({ from: at(5) }), sorted(scheduled));
    assert.deepEqual(ids({ to: at(0.6) }), sorted(draft, removed));

    // Type (notices.type, migration 006), for notices from before and after.
    w.store.db.prepare("UPDATE notices SET type = 'vyhlaska' WHERE id = ?").run(posted.id);
    const later = w.add({ title: 'Rozpočet later', postAt: at(1), removeAt: at(20) });
    w.store.db.prepare("UPDATE notices SET type = 'vyhlaska' WHERE id = ?").run(later.id);
    assert.deepEqual(ids({ type: 'vyhlaska' }), sorted(posted, later));
    assert.equal(ids({ type: 'general' }).length, 5);
  } finally {
    w.store.close();
  }
});

test('a filter never loses matches that rank beyond the page: the best match of a small board is found under 300 better ones', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    w.store.transaction(() => {
      for (let i = 0; i < 300; i++) w.add({ title: `Kanalizace ${i}` });
    });
    const far = w.add({ title: 'Oznámení' }, { board: 'ves', text: 'V příloze: kanalizace.' });
    assert.equal(w.find('kanalizace', {}, undefined, 5).hasMore, true);
    assert.deepEqual(w.find('kanalizace', { boards: ['ves'] }, undefined, 5).results.map((r) => r.noticeId), [far.id]);
    assert.deepEqual(w.find('kanalizace', { states: ['posted'], boards: ['ves'] }, undefined, 1).results.map((r) => r.noticeId), [far.id]);
  } finally {
    w.store.close();
  }
});

test('the index follows the notices: edits, added and removed attachments, texts extracted later, withdrawals', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const n = w.add({ title: 'Stará věc', postAt: iso(T0 + 5 * DAY) });
    w.store.notices.update(n.id, { title: 'Nová věc' }, [], [], 'jana', T0);
    assert.deepEqual(w.ids('stara'), []);
    assert.deepEqual(w.ids('nova'), [n.id]);

    // An attachment whose text is extracted only later.
    const blob = w.store.blobs.put(Buffer.from('%PDF-1.7\n% later\n'), 'application/pdf', T0);
    w.store.notices.update(n.id, {}, [{ ...blob, name: 'a.pdf' }], [], 'jana', T0);
    assert.deepEqual(w.ids('hasicska'), []);
    w.store.db.prepare("INSERT INTO attachment_texts (sha256, status, text, extracted_at) VALUES (?, 'ok', 'Hasičská zbrojnice', ?)").run(blob.sha256, iso(T0));
    assert.deepEqual(w.ids('hasicska'), [n.id]);
    // The same file on a second notice brings its text along.
    const m = w.add({ title: 'Jiná' }, { publish: false });
    w.store.notices.update(m.id, {}, [{ ...blob, name: 'b.pdf' }], [], 'jana', T0);
    assert.deepEqual(w.ids('zbrojnice').sort(), [n.id, m.id].sort());
    // Removing the attachment removes its text from that notice.
    w.store.notices.update(n.id, {}, [], [blob.sha256], 'jana', T0);
    assert.deepEqual(w.ids('zbrojnice'), [m.id]);

    w.store.notices.withdraw(n.id, 'Omyl v textu', 'jana', T0 + DAY);
    assert.deepEqual(w.ids('nova', { states: ['withdrawn'] }), [n.id]);
    assert.deepEqual(w.ids('nova', { states: ['scheduled'] }), []);
  } finally {
    w.store.close();
  }
});

test('hostile queries are words, never FTS5 syntax: no error, no injection; empty or too long is a clear refusal', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const a = w.add({ title: 'NEAR OR AND NOT title' });
    const hostile = ['"', '""', '"zad', 'NEAR(', 'a OR', ') AND (', 'title:x', '^zad', 'zad*', '*', '-zad', '{title}: x', "'; DROP TABLE notices; --", 'NOT', 'a\u0000b', '\\', 'x"y"z', 'NEAR/3', '+-+', 'title : near'];
    for (const q of hostile) {
      try {
        w.find(q);
      } catch (e) {
        assert.ok(e instanceof SearchQueryError, `${JSON.stringify(q)} threw ${String(e)}`);
        assert.match(e.message, /Zadejte/);
      }
    }
    assert.deepEqual(w.ids('NEAR OR'), [a.id], 'operators are searched as words');
    assert.deepEqual(w.ids('not:title'), [a.id], 'a column filter is a phrase of two words');
    assert.throws(() => ftsQuery(''), SearchQueryError);
    assert.throws(() => ftsQuery('*** ---'), /Zadejte, co hledáte/);
    assert.throws(() => ftsQuery('x'.repeat(201)), /příliš dlouhý/);
    assert.throws(() => ftsQuery('a b c d e f g h i j k l m'), /příliš mnoho slov/);
    assert.equal(ftsQuery('Žádost MÚ/12 "a b" c'), '"Žádost"* "MÚ 12"* "a b" "c"');
    assert.equal(w.store.db.prepare('SELECT COUNT(*) FROM notices').pluck().get(), 1);
  } finally {
    w.store.close();
  }
});
