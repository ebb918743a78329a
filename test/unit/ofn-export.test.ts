import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CREATOR_KEY, OFN_CONTEXT, toOfn } from '../../src-main/mirror/ofn.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { createOfnValidator, OFN_REFERENCE_DIR } from '../helpers/ofn-validator.ts';

const validator = createOfnValidator();

for (const i of [1, 2, 3, 4]) {
  test(`official example ${i}.jsonld validates (proves the offline validator)`, () => {
    const doc: unknown = JSON.parse(readFileSync(join(OFN_REFERENCE_DIR, 'úřední-desky/2021-07-20/příklady', `${i}.jsonld`), 'utf8'));
    const r = validator.validate(doc);
    assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
  });
}

test('our OFN document validates against the official schema', () => {
  const doc = toOfn(sampleBoard().manifest, SAMPLE_AT);
  const r = validator.validate(doc);
  assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
});

test('OFN document carries the board, the posted notices and their fields', () => {
  const { manifest } = sampleBoard();
  const doc = toOfn(manifest, SAMPLE_AT) as {
    '@context': string;
    typ: string;
    stránka: string;
    provozovatel: unknown;
    informace: Record<string, unknown>[];
  };
  assert.equal(doc['@context'], OFN_CONTEXT);
  assert.equal(doc.typ, 'Úřední deska');
  assert.equal(doc.stránka, 'https://deska.horni-lhota.example/');
  assert.deepEqual(doc.provozovatel, { typ: 'Osoba', ičo: '00258245' });
  assert.deepEqual(doc.informace.map((i) => i.url).sort(), ['2026-0099', '2026-0142', '2026-0150', '2026-0151'].map((id) => `https://deska.horni-lhota.example/oznameni/${id}/`));
  const first = doc.informace.find((i) => String(i.url).endsWith('/2026-0142/'))!;
  assert.deepEqual(first.typ, ['Digitální objekt', 'Informace na úřední desce']);
  assert.deepEqual(first.vyvěšení, { typ: 'Časový okamžik', datum_a_čas: '2026-11-16T14:05:00+01:00' });
  assert.deepEqual(first.relevantní_do, { typ: 'Časový okamžik', datum_a_čas: '2026-12-01T14:05:00+01:00' });
  assert.equal(first.číslo_jednací, 'SÚ/1234/2026-Nov');
  assert.equal(first.spisová_značka, 'SÚ/88/2026');
  assert.deepEqual(first.agenda, [{ typ: 'Agenda', název: { cs: 'Veřejná vyhláška' } }]);
  const docs = first.dokument as { url: string }[];
  assert.equal(docs.length, 2);
  assert.match(docs[0]!.url, /^https:\/\/deska\.horni-lhota\.example\/soubory\/[0-9a-f]{64}\.pdf$/);
  const open = doc.informace.find((i) => String(i.url).endsWith('/2026-0099/'))!;
  assert.deepEqual(open.relevantní_do, { typ: 'Časový okamžik', nespecifikovaný: true });
});

test('deliberately broken documents do not validate', () => {
  const good = toOfn(sampleBoard().manifest, SAMPLE_AT);
  const broken: Record<string, unknown>[] = [
    { ...good, '@context': 'https://example.org/context.jsonld' },
    { ...good, provozovatel: { typ: 'Osoba', ičo: '123' } },
    { ...good, informace: [{ ...(good.informace as Record<string, unknown>[])[0]!, typ: ['Digitální objekt'] }] },
    { ...good, informace: [{ ...(good.informace as Record<string, unknown>[])[0]!, vyvěšení: { typ: 'Časový okamžik', datum_a_čas: 'včera' } }] },
  ];
  const { stránka: _omit, ...noPage } = good;
  broken.push(noPage);
  for (const doc of broken) assert.equal(validator.validate(doc).valid, false, JSON.stringify(doc).slice(0, 200));
});

test('every field we have: popis, schválení, the issuing department, umístění of the board; still valid', () => {
  const { manifest } = sampleBoard();
  const doc = toOfn(manifest, SAMPLE_AT, { opendata: { location: 'Obecní úřad Horní Lhota, Náves 1, vestibul' } }) as { umístění?: unknown; informace: Record<string, unknown>[] };
  const r = validator.validate(doc);
  assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
  assert.deepEqual(doc.umístění, { typ: 'Umístění', název: { cs: 'Obecní úřad Horní Lhota, Náves 1, vestibul' } });
  const first = doc.informace.find((i) => String(i.url).endsWith('/2026-0142/'))!;
  const n = manifest.notices.find((x) => x.id === '2026-0142')!;
  assert.deepEqual(first.popis, { cs: n.description });
  assert.deepEqual(first.schválení, { typ: 'Časový okamžik', datum_a_čas: '2026-11-16T14:05:00+01:00' });
  assert.deepEqual(first[CREATOR_KEY], { '@type': 'http://xmlns.com/foaf/0.1/Organization', 'http://xmlns.com/foaf/0.1/name': { '@value': 'Stavební úřad', '@language': 'cs' } });
  // The document without settings has no board location (nothing made up).
  assert.equal((toOfn(manifest, SAMPLE_AT) as { umístění?: unknown }).umístění, undefined);
});
