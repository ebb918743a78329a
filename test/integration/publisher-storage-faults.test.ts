/**
 * The publisher's own storage fails under an upload (DATA/tmp or DATA/blobs is not a writable
 * folder, as after an operator's mistake or a full disk): the API answers 503 with a Czech
 * message that says nothing was saved and what to do, never a 500 "try again" or a 400 that
 * blames the clerk's request; nothing is stored and the process keeps answering.
 */
import assert from 'node:assert/strict';
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
const data = join(tmp.path, 'data');
let pub: RunningPublisher;
let admin: string;

before(async () => {
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  admin = (await initData({ dataDir: data, adminPassword: 'spravce-heslo', now: clock.now() })).apiToken;
  pub = await startPublisher({ dataDir: data, clock, sweep: false });
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

async function pdf(): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return new Uint8Array(await doc.save());
}

async function createNotice(title: string, withFile: boolean): Promise<{ status: number; message: string }> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ title }));
  if (withFile) form.append('files', new Blob([await pdf()], { type: 'application/pdf' }), 'vyhlaska.pdf');
  const res = await fetch(`${pub.url}/api/v1/boards/demo/notices`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form });
  const body = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: body.error?.message ?? '' };
}

async function titles(): Promise<string[]> {
  const res = await fetch(`${pub.url}/api/v1/boards/demo/notices`, { headers: { authorization: `Bearer ${admin}` } });
  return ((await res.json()) as { notices: { title: string }[] }).notices.map((n) => n.title);
}

/** Replaces a folder of the data directory with a plain file for the duration of `fn`. */
async function withFolderReplacedByFile(folder: string, fn: () => Promise<void>): Promise<void> {
  const path = join(data, folder);
  renameSync(path, `${path}.saved`);
  writeFileSync(path, 'not a folder');
  try {
    await fn();
  } finally {
    rmSync(path);
    renameSync(`${path}.saved`, path);
  }
}

test('DATA/tmp is not a writable folder: 503 saying nothing was saved, for uploads with and without files', async () => {
  await withFolderReplacedByFile('tmp', async () => {
    for (const withFile of [false, true]) {
      const r = await createNotice(`Dočasná složka ${withFile}`, withFile);
      assert.equal(r.status, 503);
      assert.match(r.message, /Soubory nelze uložit: složku dat „tmp“ nelze zapsat \(ENOTDIR\)\. Oznámení nebylo uloženo/);
    }
  });
  assert.deepEqual((await titles()).filter((t) => t.startsWith('Dočasná')), []);
  const ok = await createNotice('Po opravě složky', true);
  assert.equal(ok.status, 201, ok.message);
});

test('DATA/blobs is not a writable folder: 503, no notice and no attachment row kept', async () => {
  await withFolderReplacedByFile('blobs', async () => {
    const r = await createNotice('Bez úložiště příloh', true);
    assert.equal(r.status, 503);
    assert.match(r.message, /složku dat „blobs“ nelze zapsat/);
  });
  assert.ok(!(await titles()).includes('Bez úložiště příloh'));
  assert.deepEqual(readdirSync(join(data, 'tmp')), [], 'the refused request left no temporary file');
  const ok = await createNotice('Úložiště opraveno', true);
  assert.equal(ok.status, 201, ok.message);
});
