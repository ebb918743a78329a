/** The notice type travels from the store's notices through the feed to the mirror page and the OFN export (still valid). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toOfn } from '../../src-main/mirror/ofn.ts';
import { noticePage } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { feedNotices } from '../../src-main/publication/snapshot.ts';
import type { Notice } from '../../src-main/shared/domain.ts';
import { createOfnValidator } from '../helpers/ofn-validator.ts';

const validator = createOfnValidator();
const DECREE = 'Veřejná vyhláška, doručení veřejnou vyhláškou (§ 25 správního řádu)';

function typed(): ReturnType<typeof sampleBoard>['manifest'] {
  const { manifest } = sampleBoard();
  const [first, second] = manifest.notices;
  Object.assign(first!, { type: 'cz-verejna-vyhlaska', eventDate: null, typeName: DECREE });
  Object.assign(second!, { type: 'general', eventDate: null, typeName: 'Obecné oznámení (bez zákonné lhůty)' });
  return manifest;
}

test('the OFN export names a typed notice\'s type as an agenda and stays valid against the official schema', () => {
  const manifest = typed();
  const doc = toOfn(manifest, SAMPLE_AT) as { informace: { iri: string; agenda?: { typ: string; název: { cs: string } }[] }[] };
  const r = validator.validate(doc);
  assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
  const item = (id: string): (typeof doc.informace)[number] => doc.informace.find((i) => i.iri.includes(id))!;
  assert.deepEqual(item(manifest.notices[0]!.id).agenda?.map((a) => a.název.cs), [manifest.notices[0]!.category, DECREE]);
  // The general type is no legal kind: it adds no agenda.
  assert.ok(!(item(manifest.notices[1]!.id).agenda ?? []).some((a) => a.název.cs.startsWith('Obecné')));
});

test('the mirror\'s notice page shows the type; a feed from before types shows none', () => {
  const manifest = typed();
  const page = noticePage({ board: manifest.board, at: SAMPLE_AT }, manifest.notices[0]!);
  assert.match(page, /<dt>Typ oznámení<\/dt><dd>Veřejná vyhláška, doručení veřejnou vyhláškou \(§ 25 správního řádu\)<\/dd>/);
  const old = sampleBoard().manifest.notices[0]!;
  assert.doesNotMatch(noticePage({ board: manifest.board, at: SAMPLE_AT }, old), /Typ oznámení/);
});

test('feedNotices carries the type, its event day and its name into the feed', () => {
  const n: Notice = {
    id: 'n1', boardId: 'b', title: 'Záměr pronájmu', description: '', category: '', department: '', referenceNumber: '', fileMark: '',
    postAt: '2026-11-01T08:00:00.000Z', removeAt: null, attachments: [], publishedAt: '2026-11-01T08:00:00.000Z',
    withdrawnAt: null, withdrawReason: null, createdAt: 'x', updatedAt: 'x', revision: 2, type: 'cz-zamer-majetek', eventDate: '2026-11-30',
  };
  const [f] = feedNotices([n], Date.parse('2026-11-02T00:00:00Z'), 0, (t) => (t === 'cz-zamer-majetek' ? 'Záměr (§ 39)' : undefined));
  assert.deepEqual([f?.type, f?.eventDate, f?.typeName], ['cz-zamer-majetek', '2026-11-30', 'Záměr (§ 39)']);
});
