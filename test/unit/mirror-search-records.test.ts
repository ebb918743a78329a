/**
 * The search index's records: a notice's fields and its documents' text go into one text as
 * sentences, so a result's excerpt reads as words ("Odbor výstavby. MUHL/123/2026. Text…"), never
 * fields run together. Checked on the records and on the fragment Pagefind itself stores (its
 * excerpts are cut from that text in the visitor's browser).
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { sha256Hex } from '../../src-main/publication/signing.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { asSentences, pagefindIndexes, searchRecords } from '../../src-main/mirror/search-index.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';

test('fields become sentences: a full stop after each unless it has a stop of its own; empty fields left out', () => {
  assert.equal(asSentences(['Odbor výstavby', 'č. j.', ' MUHL/123/2026 ', '', '   ', 'Kdy? Zítra!', 'Text oznámení']), 'Odbor výstavby. č. j. MUHL/123/2026. Kdy? Zítra! Text oznámení');
  assert.equal(asSentences(['Jen jedno pole']), 'Jen jedno pole');
  assert.equal(asSentences([]), '');
});

test("a notice's record: title, description, category, type, department, reference number, file mark, document names and texts, each a sentence", async () => {
  const { manifest, files } = sampleBoard();
  const base = manifest.notices.find((n) => isPostedAt(n, SAMPLE_AT) && n.attachments.some((a) => a.textSha256))!;
  const text = new TextEncoder().encode('Stavební úřad oznamuje zahájení řízení.\nÚčastníci mohou podat námitky');
  const textSha = sha256Hex(text);
  const notice = {
    ...base,
    title: 'Oprava chodníku',
    description: 'Veřejná vyhláška o zahájení řízení',
    category: 'Veřejná vyhláška',
    typeName: 'Oznámení',
    department: 'Odbor výstavby',
    referenceNumber: 'MUHL/123/2026',
    fileMark: 'SZ 45/2026',
    attachments: [{ ...base.attachments[0]!, name: 'vyhlaska.pdf', textSha256: textSha }],
  };
  const read = async (sha: string): Promise<Uint8Array> => (sha === textSha ? text : files.get(sha)!);
  const { records, unreadable } = await searchRecords([notice], read);
  assert.equal(unreadable, 0);
  assert.equal(
    records[0]!.content,
    'Oprava chodníku. Veřejná vyhláška o zahájení řízení. Veřejná vyhláška. Oznámení. Odbor výstavby. MUHL/123/2026. SZ 45/2026. vyhlaska.pdf. Stavební úřad oznamuje zahájení řízení.\nÚčastníci mohou podat námitky',
  );
  assert.deepEqual(records[0]!.meta, { title: 'Oprava chodníku', category: 'Veřejná vyhláška' });

  // Pagefind keeps the sentences: the text its excerpts are cut from has a stop between every two fields.
  const index = await pagefindIndexes([{ dir: 'x/', records }], 'cs');
  const fragments = index.filter((f) => f.path.includes('/fragment/')).map((f) => gunzipSync(f.content).toString('utf8'));
  assert.equal(fragments.length, 1);
  const stored = (JSON.parse(fragments[0]!.replace(/^pagefind_dcd/, '')) as { content: string }).content;
  assert.match(stored, /^Oprava chodníku\. Veřejná vyhláška o zahájení řízení\. Veřejná vyhláška\. Oznámení\. Odbor výstavby\. MUHL\/123\/2026\. SZ 45\/2026\. vyhlaska\.pdf\. Stavební úřad oznamuje/);
});
