/**
 * Full-text search on a real store (SQLite file in a temp folder): diacritics, prefixes, ranking,
 * snippets, every filter, hostile queries, and the index following edits, attachments and
 * withdrawals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noticeStateAt, type Board, type NoticeFields, type NoticeState } from '../../src-main/shared/domain.ts';
import { ftsQuery, SearchQueryError } from '../../src-main/search/query.ts';
import { FACET, facetName, facetTerms, searchNotices, type SearchFilters, type SearchPage } from '../../src-main/search/search.ts';
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

test('filters in the index are exact: 400 notices with random boards, categories, types, dates and states give the same results as filtering by hand', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const cats = ['Finance', 'Stavební řízení', 'Oznámení', 'Ž'.repeat(40) + 'a', 'Ž'.repeat(40) + 'b'];
    const notices: Notice[] = [];
    w.store.transaction(() => {
      for (let i = 0; i < 400; i++) {
        // Posting days around month ends and far ahead, removal open or up to two years later.
        const post = T0 + Math.floor((rnd() - 0.7) * 800) * DAY + (rnd() < 0.3 ? 23.9 * 3_600_000 : 0);
        const draft = rnd() < 0.1;
        const removeAt = rnd() < 0.15 ? null : iso(post + Math.floor(1 + rnd() * 700) * DAY);
        const at = Math.min(post - DAY, T0);
        let n = w.add({ title: `Kanalizace ${i}`, category: pick(cats), postAt: iso(post), removeAt }, { board: pick(['lhota', 'ves']), publish: !draft, at });
        if (!draft && rnd() < 0.1) n = w.store.notices.withdraw(n.id, 'Omyl', 'jana', Math.max(at, Math.min(post, T0)) + DAY);
        if (rnd() < 0.3) {
          w.store.db.prepare("UPDATE notices SET type = 'vyhlaska' WHERE id = ?").run(n.id);
          n = { ...n, type: 'vyhlaska' };
        }
        notices.push(n);
      }
    });
    const states: NoticeState[][] = [['posted'], ['scheduled'], ['draft'], ['withdrawn'], ['removed'], ['posted', 'scheduled'], ['draft', 'withdrawn']];
    for (let k = 0; k < 60; k++) {
      const now = T0 + Math.floor((rnd() - 0.3) * 400) * DAY;
      const f: Partial<SearchFilters> = {};
      if (rnd() < 0.4) f.boards = [pick(['lhota', 'ves'])];
      if (rnd() < 0.4) f.category = pick(cats);
      if (rnd() < 0.3) f.type = pick(['vyhlaska', 'general']);
      if (rnd() < 0.6) f.states = pick(states);
      if (rnd() < 0.5) {
        const from = T0 + Math.floor((rnd() - 0.7) * 800) * DAY;
        f.from = iso(from);
        if (rnd() < 0.7) f.to = iso(from + Math.floor(rnd() * 120) * DAY);
      } else if (rnd() < 0.3) f.to = iso(T0 + Math.floor((rnd() - 0.5) * 400) * DAY);
      const expected = notices.filter((n) => {
        const posting = n.postAt ?? n.createdAt;
        const fresh = w.store.notices.get(n.id)!;
        return (f.boards ?? ['lhota', 'ves']).includes(n.boardId) && (f.category === undefined || n.category === f.category)
          && (f.type === undefined || fresh.type === f.type) && (f.states === undefined || f.states.includes(noticeStateAt(fresh, now)))
          && (f.from === undefined || posting >= f.from) && (f.to === undefined || posting < f.to);
      }).map((n) => n.id).sort();
      const got = w.find('kanal', f, now, 100);
      const all = [...got.results];
      for (let offset = 100; got.hasMore && offset < 500; offset += 100) {
        const more = searchNotices(w.store.db, 'kanal', { boards: ['lhota', 'ves'], ...f }, { limit: 100, offset }, now);
        all.push(...more.results);
        if (!more.hasMore) break;
      }
      assert.deepEqual(all.map((r) => r.noticeId).sort(), expected, `filters ${JSON.stringify(f)} at ${iso(now)}`);
      for (const r of all) assert.equal(r.state, noticeStateAt(w.store.notices.get(r.noticeId)!, now));
    }
  } finally {
    w.store.close();
  }
});

test('facet tokens stay out of sight: a typed word never matches them, snippets never show them, scores ignore them', () => {
  using dir = tempDir();
  const w = world(dir.path);
  try {
    const a = w.add({ title: 'Žádost o kácení', category: 'Finance' }, { text: 'Žadatel podal žádost o povolení kácení dřevin.' });
    w.add({ title: 'Oznámení', category: 'Oznámení' });
    for (const q of ['fspub', 'fsdraft', 'frnone', 'fp2026', 'fb', 'fc', facetName('fc', 'Finance')]) assert.deepEqual(w.ids(q), [], q);
    const [plain] = w.find('kaceni').results;
    const [filtered] = w.find('kaceni', { category: 'Finance', states: ['scheduled', 'posted'], boards: ['lhota'] }).results;
    assert.equal(filtered?.noticeId, a.id);
    assert.equal(filtered.score, plain!.score, 'a filter does not change the score');
    assert.equal(filtered.snippets.title, 'Žádost o <mark>kácení</mark>');
    assert.equal(filtered.snippets.attachments, 'Žadatel podal žádost o povolení <mark>kácení</mark> dřevin.');
    // Diacritics-free prefixes highlight the whole word as written.
    const [z] = w.find('zad kac').results;
    assert.equal(z?.snippets.title, '<mark>Žádost</mark> o <mark>kácení</mark>');
    assert.equal(z.snippets.attachments, '<mark>Žadatel</mark> podal <mark>žádost</mark> o povolení <mark>kácení</mark> dřevin.');
    assert.doesNotMatch(JSON.stringify(w.find('zadost').results), /\uE000|fspub|frnone/);
  } finally {
    w.store.close();
  }
});

test('facet terms: no filter adds none, an empty board list or a range outside the data finds nothing, "removed" is left to the exact check', () => {
  const b = { firstPosting: Date.parse('2022-01-10T00:00:00Z'), lastPosting: Date.parse('2026-12-01T00:00:00Z'), lastRemoval: Date.parse('2027-02-01T00:00:00Z'), boards: ['a', 'b', 'c'] };
  const now = Date.parse('2026-11-21T08:00:00Z');
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'] }, now, b), []);
  assert.deepEqual(facetTerms({ boards: ['a'], category: 'Finance' }, now, b), [[facetName('fb', 'a')], [facetName('fc', 'Finance')]]);
  const f = (...t: string[]): string[] => t.map((x) => FACET + x);
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], states: ['posted'] }, now, b), [f('frnone', 'fr202611', 'fr202612', 'fr2027')]);
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], states: ['scheduled', 'draft'] }, now, b), [f('fp202611', 'fp202612', 'fsdraft')]);
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], states: ['posted', 'removed'] }, now, b), []);
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], states: ['scheduled'] }, Date.parse('2027-01-01T00:00:00Z'), b), 'none');
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], from: '2030-01-01T00:00:00Z' }, now, b), 'none');
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], from: '2025-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, now, b), [f('fp202412', 'fp2025', 'fp202601', 'fp202602', 'fp202603')]);
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], from: '2022-02-01T00:00:00Z' }, now, b), [], 'a range over most of the dates is not worth a term');
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], from: '2025-11-21T08:00:00Z' }, now, b), [f('fp202511', 'fp202512', 'fp2026')], 'a year the data ends in is one token');
  assert.deepEqual(facetTerms({ boards: ['a', 'b', 'c'], to: '2022-05-21T08:00:00Z' }, now, b), [f('fp202201', 'fp202202', 'fp202203', 'fp202204', 'fp202205')], 'a year only partly covered stays in months');
  assert.deepEqual(facetTerms({ boards: ['a'], from: '2025-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, now, b), [[facetName('fb', 'a')]], 'nor a wide one beside other terms');
  assert.deepEqual(facetTerms({ boards: ['a'], from: '2026-02-03T00:00:00Z', to: '2026-02-10T00:00:00Z' }, now, b), [[facetName('fb', 'a')], f('fp202602')], 'a narrow one is');
});
