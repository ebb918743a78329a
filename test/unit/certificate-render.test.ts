import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pdfPageTexts as pdfPages } from '../helpers/pdf-text.ts';
import { pdfTextRuns } from '../helpers/pdf-layout.ts';
import { wrapLines } from '../../src-main/pdf/text.ts';
import { renderCertificate, type CertificateInput } from '../../src-main/evidence/certificate.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { AuditAction, AuditEvent, ChannelId, Notice } from '../../src-main/shared/domain.ts';

function input(overrides: Partial<Notice> = {}): CertificateInput {
  const { manifest } = sampleBoard();
  const f = manifest.notices[0]!;
  const notice: Notice = {
    ...f,
    boardId: manifest.board.id,
    withdrawnAt: null,
    withdrawReason: null,
    createdAt: '2026-11-15T09:00:00.000Z',
    updatedAt: '2026-11-15T09:00:00.000Z',
    ...overrides,
  };
  const ev = (seq: number, action: AuditAction, at: string, actor: string, detail: Record<string, unknown> = {}): AuditEvent => ({
    seq,
    action,
    at,
    actor,
    noticeId: notice.id,
    detail,
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  });
  return {
    board: manifest.board,
    notice,
    events: [
      ev(1, 'created', '2026-11-15T09:00:00.000Z', 'jana.novakova'),
      ev(2, 'published', '2026-11-15T09:10:07.000Z', 'petr.dvorak'),
      ev(3, 'posted', f.postAt, 'plánovač'),
      ev(4, 'withdrawn', '2026-11-20T10:00:00.000Z', 'petr.dvorak', { reason: 'Chyba v příloze, nahrazeno opravou' }),
      { ...ev(5, 'posted', f.postAt, 'someone'), noticeId: 'other-notice' },
    ],
    sightings: [
      { noticeId: notice.id, channel: 'mirror', firstShownAt: '2026-11-16T13:05:01.000Z', lastShownAt: '2026-11-20T09:59:00.000Z', goneAt: '2026-11-20T10:00:03.000Z' },
      { noticeId: notice.id, channel: 'kiosk:lobby', firstShownAt: '2026-11-16T13:05:02.000Z', lastShownAt: '2026-11-20T09:58:00.000Z', goneAt: null },
    ],
    kiosks: [{ id: 'lobby', name: 'Vestibul radnice' }, { id: 'knihovna' }],
    generatedAt: SAMPLE_AT,
    generatedBy: 'Jana Nováková (tajemnice)',
  };
}

test('certificate carries the Czech texts, instants in the board zone, events and hashes', async () => {
  const inp = input({ description: 'Příliš žluťoučký kůň úpěl ďábelské ódy. ĚŠČŘŽ' });
  const bytes = await renderCertificate(inp);
  assert.equal(new TextDecoder().decode(bytes.slice(0, 5)), '%PDF-');
  const text = (await pdfPages(bytes)).join('\n');
  for (const s of [
    'Potvrzení o vyvěšení a sejmutí',
    'Obecní úřad Horní Lhota',
    'SÚ/1234/2026-Nov',
    'SÚ/88/2026',
    'Stavební úřad',
    'Příliš žluťoučký kůň úpěl ďábelské ódy. ĚŠČŘŽ',
    // Planned instants: 2026-11-16T13:05Z and 2026-12-01T13:05Z in Prague (CET).
    '16. 11. 2026 14:05:00 +01:00',
    '1. 12. 2026 14:05:00 +01:00',
    'Kiosek Vestibul radnice (lobby)',
    'Kiosek knihovna',
    '20. 11. 2026 11:00:03 +01:00',
    'nezaznamenáno',
    'jana.novakova',
    'petr.dvorak',
    'staženo',
    'Chyba v příloze, nahrazeno opravou',
    'Jana Nováková (tajemnice)',
    '21. 11. 2026 14:05:00 +01:00',
    'Strana 1 z',
  ]) {
    assert.ok(text.includes(s), `missing ${JSON.stringify(s)}`);
  }
  for (const a of inp.notice.attachments) {
    assert.ok(text.includes(a.sha256), `missing hash of ${a.name}`);
    assert.ok(text.includes(a.name));
  }
  assert.ok(!text.includes('someone'), 'an event of another notice leaked into the certificate');
});

test('a channel without any record says "nezaznamenáno" in every column, nothing invented', async () => {
  const inp = input();
  inp.sightings = [];
  const text = (await pdfPages(await renderCertificate(inp))).join('\n');
  const row = text.slice(text.indexOf('Kiosek knihovna'));
  assert.match(row, /^Kiosek knihovna\s+nezaznamenáno\s+nezaznamenáno\s+nezaznamenáno/);
  const mirror = text.slice(text.indexOf('Webové zrcadlo'));
  assert.match(mirror, /nezaznamenáno\s+nezaznamenáno\s+nezaznamenáno/);
});

test('an open-ended notice shows "do odvolání" as its removal', async () => {
  const text = (await pdfPages(await renderCertificate(input({ removeAt: null })))).join('\n');
  assert.ok(text.includes('do odvolání'));
});

test('a long notice wraps and continues on page 2 with page numbers', async () => {
  const long = 'Odůvodnění: stavební úřad posoudil žádost a dospěl k závěru, že záměr je v souladu s územním plánem. '.repeat(120);
  const pages = await pdfPages(await renderCertificate(input({ description: long })));
  assert.ok(pages.length >= 2, `expected at least 2 pages, got ${pages.length}`);
  assert.ok(pages[0]!.includes(`Strana 1 z ${pages.length}`));
  assert.ok(pages[1]!.includes(`Strana 2 z ${pages.length}`));
  assert.ok(pages[1]!.includes('Odůvodnění'), 'the description continues on page 2');
  assert.ok(pages.at(-1)!.includes('Jana Nováková (tajemnice)'), 'the closing section is on the last page');
});

/** A deterministic unbroken "word" of `n` characters (a pasted URL), with Czech letters. */
function longWord(n: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzáčďéěíňóřšťúůýžABCDEFGHIJKLMNOPQRSTUVWXYZČŘŠŽ0123456789/-_.?=&%';
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const A4 = { w: 595.28, h: 841.89 };
const HEADER_TITLES = new Set(['Kanál', 'Poprvé zobrazeno', 'Naposledy zobrazeno', 'Sejmuto (hlášeno)', 'Č.', 'Okamžik', 'Událost', 'Kdo', 'Podrobnosti']);

test('4,000-character unbroken words in title, description, reference and reason render whole, broken across lines and pages, nothing off the page', async () => {
  const title = longWord(4000, 1);
  const description = longWord(4000, 2);
  const reason = longWord(4000, 3);
  const reference = longWord(4000, 4);
  const lines = Array.from({ length: 300 }, (_, i) => `Řádek ${i + 1}: žluťoučký kůň`).join('\n');
  const inp = input({ title, referenceNumber: reference, description: `${lines}\n${description}\n${lines}`, withdrawnAt: '2026-11-20T10:00:00.000Z', withdrawReason: reason });
  inp.events = inp.events.map((e) => (e.action === 'withdrawn' ? { ...e, detail: { reason } } : e));
  const runs = await pdfTextRuns(await renderCertificate(inp));
  const pages = Math.max(...runs.map((r) => r.page));
  assert.ok(pages >= 5, `expected many pages, got ${pages}`);

  for (const r of runs) {
    const where = `page ${r.page} "${r.str.slice(0, 30)}" at x=${r.x.toFixed(1)} y=${r.y.toFixed(1)} w=${r.width.toFixed(1)}`;
    assert.ok(Math.abs(r.pageWidth - A4.w) < 0.01 && Math.abs(r.pageHeight - A4.h) < 0.01, `A4 page: ${where}`);
    assert.ok(r.x >= 50 - 0.5, `left margin: ${where}`);
    assert.ok(r.x + r.width <= A4.w - 50 + 0.5, `right margin: ${where}`);
    assert.ok(r.y >= 25 && r.y <= A4.h - 50, `vertical: ${where}`);
  }
  // Body text (footer and repeated table headers left out), in reading order, without whitespace.
  const body = runs
    .filter((r) => r.y > 45 && !HEADER_TITLES.has(r.str.trim()))
    .map((r) => r.str)
    .join('')
    .replace(/\s+/g, '');
  assert.ok(body.includes(title), 'the title is whole');
  assert.ok(body.includes(description), 'the description word is whole');
  assert.ok(body.includes(reference), 'the reference number is whole');
  assert.equal(body.split(reason).length - 1, 2, 'the reason is whole in the deadlines and in the event table');
  assert.ok(body.includes('Řádek300:žluťoučkýkůň'), 'the many lines are all there');
  // The footer shortens an over-long reference instead of running off the page.
  for (let p = 1; p <= pages; p++) {
    const footer = runs.filter((r) => r.page === p && r.y < 45).map((r) => r.str).join('');
    assert.match(footer, new RegExp(`^Potvrzení o vyvěšení a sejmutí · ${reference.slice(0, 20).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*… · Strana ${p} z ${pages}$`));
  }
});

test('wrapLines: every line fits its width by the sum of its character widths, and the text is kept in order', () => {
  // Widths by character: narrow "i", wide "W", everything else 5; a space is 3.
  const w = (ch: string): number => (ch === 'i' ? 2 : ch === 'W' ? 11 : ch === ' ' ? 3 : 5);
  const width = 100;
  const text = `krátká slova ${'W'.repeat(37)}i${'x'.repeat(50)} a\nnový odstavec ${'iW'.repeat(40)}`;
  const lines = wrapLines(text, width, w);
  for (const l of lines) assert.ok(Array.from(l).reduce((a, c) => a + w(c), 0) <= width, `too wide: ${l}`);
  assert.equal(lines.join('').replace(/\s+/g, ''), text.replace(/\s+/g, ''));
  assert.equal(lines[0], 'krátká slova', 'words that fit stay whole and together');
  assert.equal(lines[1], 'W'.repeat(9), 'a word wider than the line is broken by character');
  assert.ok(lines.includes('nový odstavec'), 'a line break starts a new line');
  assert.deepEqual(wrapLines('', width, w), ['']);
  assert.deepEqual(wrapLines('a\u0000b\u0007c', width, w), ['abc'], 'control characters are dropped');
  assert.deepEqual(wrapLines('W', 5, w), ['W'], 'a character wider than the line still gets a line of its own');
});

test('outages appear under their channel with reason in Czech, "trvá" while open; outside the posting period they do not', async () => {
  const inp = input();
  inp.outages = [
    { channel: 'kiosk:lobby', from: '2026-11-17T21:00:00.000Z', to: '2026-11-18T05:00:00.000Z', reason: 'screen-off' },
    { channel: 'kiosk:lobby', from: '2026-11-19T10:00:00.000Z', to: null, reason: 'ui-disconnected' },
    { channel: 'kiosk:lobby', from: '2026-11-01T10:00:00.000Z', to: '2026-11-02T10:00:00.000Z', reason: 'kiosk-down' },
    { channel: 'kiosk:knihovna', from: '2026-11-18T08:00:00.000Z', to: '2026-11-18T09:30:00.000Z', reason: 'stale' },
  ];
  const text = (await pdfPages(await renderCertificate(inp))).join('\n');
  const lobby = text.slice(text.indexOf('Kiosek Vestibul radnice (lobby)'), text.indexOf('Záznamy v auditním logu'));
  assert.match(lobby, /výpadek: obrazovka vypnuta\s+od 17\. 11\. 2026 22:00:00 \+01:00\s+do 18\. 11\. 2026 06:00:00 \+01:00/);
  assert.match(lobby, /výpadek: zobrazení nereagovalo\s+od 19\. 11\. 2026 11:00:00 \+01:00\s+trvá/);
  assert.doesNotMatch(text, /kiosek mimo provoz/, 'an outage before the posting is not on the certificate');
  assert.match(text.slice(text.indexOf('Kiosek knihovna'), text.indexOf('Kiosek Vestibul')), /výpadek: zastaralá data \(bez spojení s vydavatelem\)\s+od 18\. 11\. 2026 09:00:00 \+01:00\s+do 18\. 11\. 2026 10:30:00 \+01:00/);
});

test('channels are listed from the sightings; a public URL without a probe says "nezkontrolováno", with one it shows what was fetched', async () => {
  const inp = input();
  inp.sightings = inp.sightings.filter((s) => s.channel !== 'mirror');
  inp.sightings.push(
    { noticeId: inp.notice.id, channel: 'deploy:/srv/www/deska' as ChannelId, firstShownAt: '2026-11-16T13:05:03.000Z', lastShownAt: '2026-11-20T09:59:00.000Z', goneAt: null },
  );
  const text = (await pdfPages(await renderCertificate(inp))).join('\n');
  assert.match(text, /Webové zrcadlo nasazené do \/srv\/www\/deska\s+16\. 11\. 2026 14:05:03 \+01:00/);
  assert.match(text, new RegExp(`Veřejná stránka ${inp.board.publicUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+nezkontrolováno\\s+nezkontrolováno\\s+nezkontrolováno`));
  assert.doesNotMatch(text, /Webové zrcadlo \(místní složka/, 'no invented row for a mirror that has deploy evidence');

  const probed = input();
  probed.sightings.push({ noticeId: probed.notice.id, channel: `web:${probed.board.publicUrl}` as ChannelId, firstShownAt: '2026-11-16T13:06:00.000Z', lastShownAt: '2026-11-20T09:50:00.000Z', goneAt: null });
  const t2 = (await pdfPages(await renderCertificate(probed))).join('\n');
  assert.doesNotMatch(t2, /nezkontrolováno\s+nezkontrolováno/);
  assert.match(t2, /\(ověřeno stažením\)\s+16\. 11\. 2026 14:06:00 \+01:00\s+20\. 11\. 2026 10:50:00 \+01:00\s+nezaznamenáno/);
});

test('unreadable stored values render as "neplatný údaj"; the certificate never fails on stored data', async () => {
  const inp = input();
  inp.sightings[1] = { ...inp.sightings[1]!, firstShownAt: 'včera odpoledne', lastShownAt: '2026-02-30T10:00:00Z' };
  inp.outages = [{ channel: 'kiosk:lobby', from: 'nonsense', to: '2026-13-01T00:00:00.000Z', reason: 'něco jiného' }];
  inp.events.push({ ...inp.events[0]!, seq: 9, at: 'not a date', detail: { damaged: '{' } });
  inp.notice = { ...inp.notice, title: 'Emoji 😀, čínština 公告, RTL עברית, NUL \u0000 a tab\tkonec' };
  const text = (await pdfPages(await renderCertificate(inp))).join('\n');
  const lobby = text.slice(text.indexOf('Kiosek Vestibul radnice (lobby)'));
  assert.match(lobby, /^Kiosek Vestibul radnice \(lobby\)\s+neplatný údaj\s+neplatný údaj/);
  assert.match(lobby, /výpadek: něco jiného\s+od neplatný údaj\s+do neplatný údaj/);
  assert.ok(text.includes('čínština'));
});

test('characters DejaVu has no glyph for (emoji, rare CJK, private use) are drawn as U+FFFD, measured as such, and stay in the page box', async () => {
  const emoji = '👨‍👩‍👧‍👦🎉🏛️';
  const cjk = '𠜎漢字';
  const wide = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? '🚀' : i % 3 === 1 ? '𠜎' : 'a')).join('');
  const inp = input({
    title: `Výzva ${emoji} ${cjk} k podání námitek`,
    referenceNumber: `ČJ-${emoji}-${'\uE000'.repeat(300)}`,
    description: `Popis ${emoji}${cjk} a dlouhé slovo ${wide}`,
    department: cjk.repeat(400),
    withdrawnAt: '2026-11-20T10:00:00.000Z',
    withdrawReason: `Chyba ${'🙈'.repeat(2000)}`,
  });
  const runs = await pdfTextRuns(await renderCertificate(inp));
  for (const r of runs) {
    const where = `page ${r.page} "${r.str.slice(0, 30)}" at x=${r.x.toFixed(1)} y=${r.y.toFixed(1)} w=${r.width.toFixed(1)}`;
    assert.ok(r.x >= 50 - 0.5, `left margin: ${where}`);
    assert.ok(r.x + r.width <= A4.w - 50 + 0.5, `right margin: ${where}`);
    assert.ok(r.y >= 25 && r.y <= A4.h - 50, `vertical: ${where}`);
  }
  const text = runs.map((r) => r.str).join('');
  assert.doesNotMatch(text, /[👨👩👧👦🎉🏛🚀🙈\u{20000}-\u{2FFFF}\uE000\u200D\uFE0F漢]/u, 'no glyph-less character reaches the PDF');
  assert.match(text, /Výzva \uFFFD \uFFFD k podání námitek/, 'one U+FFFD per run of missing glyphs (an emoji with its joiners is one run), Czech letters kept');
  assert.match(text, /ČJ-\uFFFD-\uFFFD/);
  assert.match(text, /Důvod stažení Chyba \uFFFD/);
  // The long mixed word still breaks into lines, each one kept within the margins (checked above).
  assert.ok(text.replace(/\s+/g, '').includes('a\uFFFDa\uFFFDa'));
});
