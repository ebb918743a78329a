import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pdfPageTexts as pdfPages } from '../helpers/pdf-text.ts';
import { renderCertificate, type CertificateInput } from '../../src-main/evidence/certificate.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { AuditAction, AuditEvent, Notice } from '../../src-main/shared/domain.ts';

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
