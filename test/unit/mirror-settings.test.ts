/** DATA/mirror.json: every field validated on load, each mistake a Czech sentence naming it. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMirrorSettings, parseMirrorSettings } from '../../src-main/mirror/settings.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a complete board entry is read as written (the public URL gains its trailing slash)', () => {
  const s = parseMirrorSettings(
    {
      publicUrl: 'https://deska.horni-lhota.cz',
      pageSize: 20,
      contact: { name: 'Podatelna', email: 'podatelna@horni-lhota.cz', phone: '+420 123 456 789' },
      accessibility: { preparedOn: '2026-11-02', reviewedOn: '2026-11-03' },
      opendata: { ruian: 'https://linked.cuzk.cz/resource/ruian/obec/599999', personalData: false, location: 'Náves 1' },
    },
    'x',
  );
  assert.equal(s.publicUrl, 'https://deska.horni-lhota.cz/');
  assert.equal(s.pageSize, 20);
  assert.deepEqual(s.opendata, { ruian: 'https://linked.cuzk.cz/resource/ruian/obec/599999', personalData: false, location: 'Náves 1' });
});

test('each mistake names its field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /x musí být objekt/],
    [{ publicURL: 'https://a.cz/' }, /neznámé nastavení "publicURL"/],
    [{ publicUrl: 'deska.obec.cz' }, /x\.publicUrl musí být adresa http\(s\)/],
    [{ publicUrl: 'https://a.cz/?q=1' }, /x\.publicUrl/],
    [{ pageSize: 9 }, /x\.pageSize musí být celé číslo od 10 do 500/],
    [{ pageSize: 12.5 }, /x\.pageSize/],
    [{ contact: { email: 'podatelna' } }, /x\.contact\.email musí být e-mailová adresa/],
    [{ contact: { name: '' } }, /x\.contact\.name musí být neprázdný text/],
    [{ accessibility: { preparedOn: '2. 11. 2026' } }, /x\.accessibility\.preparedOn musí být datum ve tvaru RRRR-MM-DD/],
    [{ opendata: { ruian: 'https://example.org/obec/1' } }, /x\.opendata\.ruian musí být adresa prvku RÚIAN/],
    [{ opendata: { personalData: 'ano' } }, /x\.opendata\.personalData musí být true nebo false/],
  ];
  for (const [value, message] of cases) assert.throws(() => parseMirrorSettings(value, 'x'), message, JSON.stringify(value));
});

test('the file: absent or without the board is no settings; malformed JSON or shape is a clear error', () => {
  using tmp = tempDir();
  const data = join(tmp.path, 'data');
  mkdirSync(data);
  assert.deepEqual(loadMirrorSettings(data, 'demo'), {});
  writeFileSync(join(data, 'mirror.json'), JSON.stringify({ boards: { jina: { pageSize: 20 } } }));
  assert.deepEqual(loadMirrorSettings(data, 'demo'), {});
  assert.deepEqual(loadMirrorSettings(data, 'jina'), { pageSize: 20 });
  writeFileSync(join(data, 'mirror.json'), '{"boards": [');
  assert.throws(() => loadMirrorSettings(data, 'demo'), /mirror\.json není platný JSON/);
  writeFileSync(join(data, 'mirror.json'), JSON.stringify({ boards: [] }));
  assert.throws(() => loadMirrorSettings(data, 'demo'), /"boards" musí být objekt/);
});
