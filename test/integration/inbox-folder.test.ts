/**
 * The watched inbox over real folders and a real store: packages as folders and ZIPs, valid,
 * invalid, duplicate and half-copied, the ready marker, the "schedule" setting, and the real
 * chokidar watcher of a running publisher. Stability is measured on the ManualClock, so no test
 * waits for wall time to pass.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { inboxPath } from '../../src-main/inbox/folder.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { filesUnder, metadata, pdf, writeFolderPackage, writeZipPackage, zip } from '../helpers/inbox-packages.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = '2026-11-21T08:00:00.000Z';
const tmp = tempDir();
let pub: RunningPublisher;
let clock: ManualClock;
let inbox: string;
let onePdf: Uint8Array;

const noticeCount = (): number => pub.ctx.store.db.prepare("SELECT COUNT(*) FROM notices WHERE created_by LIKE 'inbox:%'").pluck().get() as number;

before(async () => {
  clock = new ManualClock(T0);
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false, inbox: { watch: false } });
  inbox = inboxPath(tmp.path, 'demo');
  onePdf = await pdf('Verejna vyhlaska');
});
after(async () => {
  await pub.stop();
  tmp[Symbol.dispose]();
});

describe('inbox folder', () => {
  test('a folder package with its ready marker becomes a draft, logged as the inbox; the package moves to processed/ untouched', async () => {
    const before = readFileSync(writeFolderPackage(inbox, 'balik-1', metadata('DOC-1'), { 'dokument.pdf': onePdf }) + '/metadata.json');
    const out = await pub.inbox!.scanNow();
    assert.deepEqual(out.map((o) => [o.name, o.result]), [['balik-1', 'imported']]);
    const n = pub.ctx.store.notices.require(out[0]!.noticeId!);
    assert.equal(n.title, 'Veřejná vyhláška DOC-1');
    assert.equal(n.referenceNumber, 'MUHL/DOC-1/2026');
    assert.equal(n.fileMark, 'SZ MUHL/1/2026');
    assert.equal(n.postAt, '2026-12-01T07:00:00.000Z');
    assert.equal(n.publishedAt, null, 'a draft by default');
    assert.deepEqual(n.attachments.map((a) => [a.name, a.size]), [['Veřejná vyhláška.pdf', onePdf.byteLength]]);
    const events = pub.ctx.store.audit.list(n.id);
    assert.deepEqual(events.map((e) => [e.action, e.actor]), [['created', 'inbox:ginis'], ['inbox-imported', 'inbox:ginis']]);
    assert.deepEqual(filesUnder(join(inbox, 'processed')).sort(), ['balik-1.imported.txt', 'balik-1.ready', 'balik-1/dokument.pdf', 'balik-1/metadata.json']);
    assert.deepEqual(readFileSync(join(inbox, 'processed/balik-1/metadata.json')), before);
    assert.match(readFileSync(join(inbox, 'processed/balik-1.imported.txt'), 'utf8'), new RegExp(`oznámení ${n.id}`));
    assert.ok(!existsSync(join(inbox, 'balik-1')));
  });

  test('a ZIP package is imported; the same document again (folder or ZIP) goes to duplicates/ and makes no second notice', async () => {
    writeZipPackage(inbox, 'zip-2', metadata('DOC-2'), { 'dokument.pdf': onePdf });
    const first = await pub.inbox!.scanNow();
    assert.deepEqual(first.map((o) => o.result), ['imported']);
    const count = noticeCount();
    writeZipPackage(inbox, 'zip-2', metadata('DOC-2'), { 'dokument.pdf': onePdf });
    writeFolderPackage(inbox, 'znovu-2', metadata('DOC-2', { title: 'Opravený název' }), { 'dokument.pdf': onePdf });
    const again = await pub.inbox!.scanNow();
    assert.deepEqual(again.map((o) => [o.name, o.result, o.noticeId]), [['zip-2~2.zip', 'duplicate', first[0]!.noticeId], ['znovu-2', 'duplicate', first[0]!.noticeId]]);
    assert.equal(noticeCount(), count, 'no second notice');
    assert.ok(existsSync(join(inbox, 'processed/zip-2.zip')), 'the first keeps its name');
    assert.match(readFileSync(join(inbox, 'duplicates/zip-2~2.zip.duplicate.txt'), 'utf8'), /už byl importován.*\n.*\nObsah balíčku je stejný/);
    assert.match(readFileSync(join(inbox, 'duplicates/znovu-2.duplicate.txt'), 'utf8'), /se od tehdejšího liší/);
  });

  test('without a document id the číslo jednací is the key', async () => {
    const meta = (title: string): Record<string, unknown> => metadata('x', { source: { system: 'spisovka' }, referenceNumber: 'OU-HL 77/2026', title });
    writeFolderPackage(inbox, 'cj-a', meta('První'), { 'dokument.pdf': onePdf });
    writeFolderPackage(inbox, 'cj-b', { ...meta('Druhý'), referenceNumber: 'ou-hl  77/2026' }, { 'dokument.pdf': onePdf });
    const out = await pub.inbox!.scanNow();
    assert.deepEqual(out.map((o) => o.result), ['imported', 'duplicate']);
  });

  test('an invalid package moves to rejected/ with an error file naming the file, the field, the problem and what was expected', async () => {
    writeFolderPackage(inbox, 'spatny', metadata('DOC-3', { postAt: '2026-02-30T08:00:00+01:00', title: 7, colour: 'red' }), { 'dokument.pdf': onePdf });
    writeFolderPackage(inbox, 'chybi-pdf', metadata('DOC-4'), {});
    writeFolderPackage(inbox, 'neni-pdf', metadata('DOC-5'), { 'dokument.pdf': Buffer.from('<html>not a pdf</html>') });
    const count = noticeCount();
    const out = await pub.inbox!.scanNow();
    assert.deepEqual(out.map((o) => o.result), ['rejected', 'rejected', 'rejected']);
    assert.equal(noticeCount(), count);
    const err = readFileSync(join(inbox, 'rejected/spatny.error.txt'), 'utf8');
    assert.match(err, /Balíček „spatny“ .* byl odmítnut/);
    assert.match(err, /Package "spatny" was rejected/);
    assert.match(err, /Soubor: metadata\.json\n {3}Údaj: \/title\n {3}Chyba: údaj má špatný typ \(je to číslo\)\n {3}Očekáváno: název oznámení jako text/);
    assert.match(err, /Údaj: \/colour\n {3}Chyba: neznámý údaj/);
    assert.match(readFileSync(join(inbox, 'rejected/chybi-pdf.error.txt'), 'utf8'), /Údaj: \/attachments\/0\/file\n {3}Chyba: soubor „dokument\.pdf“ v balíčku chybí/);
    assert.match(readFileSync(join(inbox, 'rejected/neni-pdf.error.txt'), 'utf8'), /Soubor: dokument\.pdf\n {3}Chyba: soubor není čitelný dokument PDF/);
    assert.ok(existsSync(join(inbox, 'rejected/neni-pdf/dokument.pdf')), 'nothing is deleted');
  });

  test('hostile ZIPs: traversal, symlink, lying sizes and a bomb are rejected with their reason', async () => {
    const meta = Buffer.from(JSON.stringify(metadata('DOC-Z')));
    writeFileSync(join(inbox, 'traverse.zip'), zip([{ name: 'metadata.json', data: meta }, { name: '../../etc/dokument.pdf', data: onePdf }]));
    writeFileSync(join(inbox, 'link.zip'), zip([{ name: 'metadata.json', data: meta }, { name: 'dokument.pdf', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]));
    writeFileSync(join(inbox, 'lies.zip'), zip([{ name: 'metadata.json', data: meta }, { name: 'dokument.pdf', data: onePdf, deflate: true, declaredSize: 100 }]));
    writeFileSync(join(inbox, 'bomb.zip'), zip([{ name: 'metadata.json', data: meta }, { name: 'dokument.pdf', data: Buffer.alloc(60 * 1024 * 1024), deflate: true }]));
    for (const n of ['traverse', 'link', 'lies', 'bomb']) writeFileSync(join(inbox, `${n}.zip.ready`), '');
    const out = await pub.inbox!.scanNow();
    assert.deepEqual(out.map((o) => [o.name, o.result]), [['bomb.zip', 'rejected'], ['lies.zip', 'rejected'], ['link.zip', 'rejected'], ['traverse.zip', 'rejected']]);
    assert.match(readFileSync(join(inbox, 'rejected/traverse.zip.error.txt'), 'utf8'), /neplatné jméno/);
    assert.match(readFileSync(join(inbox, 'rejected/link.zip.error.txt'), 'utf8'), /symbolický odkaz/);
    assert.match(readFileSync(join(inbox, 'rejected/lies.zip.error.txt'), 'utf8'), /Soubor: dokument\.pdf\n {3}Chyba: soubor nelze přečíst/);
    assert.match(readFileSync(join(inbox, 'rejected/bomb.zip.error.txt'), 'utf8'), /po rozbalení 60 MB/);
    assert.ok(!existsSync(join(tmp.path, 'etc')), 'nothing written outside');
  });

  test('a symlink in a folder package is refused, not followed', async () => {
    const dir = writeFolderPackage(inbox, 'odkaz', metadata('DOC-L'), {}, false);
    symlinkSync('/etc/passwd', join(dir, 'dokument.pdf'));
    writeFileSync(join(inbox, 'odkaz.ready'), '');
    assert.deepEqual((await pub.inbox!.scanNow()).map((o) => o.result), ['rejected']);
    assert.match(readFileSync(join(inbox, 'rejected/odkaz.error.txt'), 'utf8'), /Soubor: dokument\.pdf\n {3}Chyba: soubor je symbolický odkaz/);
  });

  test('a half-copied package waits until its files stop changing; a ready marker older than the files does not count', async () => {
    writeFileSync(join(inbox, 'pomalu.ready'), ''); // left over from an earlier package of the same name
    utimesSync(join(inbox, 'pomalu.ready'), new Date('2026-01-01'), new Date('2026-01-01'));
    clock.advance(1000);
    const dir = writeFolderPackage(inbox, 'pomalu', metadata('DOC-6'), { 'dokument.pdf': onePdf.slice(0, 100) }, false);
    assert.deepEqual(await pub.inbox!.scanNow(), [], 'first sight');
    clock.advance(3000);
    writeFileSync(join(dir, 'dokument.pdf'), onePdf.slice(0, onePdf.length >> 1)); // still copying
    assert.deepEqual(await pub.inbox!.scanNow(), [], 'changed since');
    clock.advance(4000);
    assert.deepEqual(await pub.inbox!.scanNow(), [], 'not yet stable for 5 s');
    appendFileSync(join(dir, 'dokument.pdf'), onePdf.slice(onePdf.length >> 1));
    clock.advance(4000);
    assert.deepEqual(await pub.inbox!.scanNow(), [], 'changed again');
    clock.advance(5000);
    assert.deepEqual((await pub.inbox!.scanNow()).map((o) => o.result), ['imported']);
  });

  test('readyMarker "required" waits for the marker; publish "schedule" makes a scheduled notice', async () => {
    writeFileSync(join(tmp.path, 'inbox.json'), JSON.stringify({ boards: { demo: { readyMarker: 'required', publish: 'schedule' } } }));
    try {
      writeFolderPackage(inbox, 'plan', metadata('DOC-7'), { 'dokument.pdf': onePdf }, false);
      await pub.inbox!.scanNow();
      clock.advance(3_600_000);
      assert.deepEqual(await pub.inbox!.scanNow(), [], 'no marker, no import');
      clock.advance(1000);
      writeFileSync(join(inbox, 'plan.ready'), '');
      const out = await pub.inbox!.scanNow();
      const n = pub.ctx.store.notices.require(out[0]!.noticeId!);
      assert.equal(pub.ctx.store.notices.stateOf(n, clock.now()), 'scheduled');
      assert.match(readFileSync(join(inbox, 'processed/plan.imported.txt'), 'utf8'), /naplánované/);
      writeFolderPackage(inbox, 'minule', metadata('DOC-8', { postAt: '2026-01-01T08:00:00+01:00' }), { 'dokument.pdf': onePdf });
      const past = await pub.inbox!.scanNow();
      assert.equal(pub.ctx.store.notices.require(past[0]!.noticeId!).publishedAt, null, 'never posted into the past: a draft');
    } finally {
      writeFileSync(join(tmp.path, 'inbox.json'), '{}');
    }
  });

  test('stray files and packages being written under a temporary name are left alone until they are packages', async () => {
    writeFolderPackage(inbox, 'novy.tmp', metadata('DOC-9'), { 'dokument.pdf': onePdf });
    assert.deepEqual(await pub.inbox!.scanNow(), []);
    assert.ok(existsSync(join(inbox, 'novy.tmp')));
  });

  test('inbox rows are anchored in the audit log: a forged or edited row fails audit verify; a refused package is logged', async () => {
    writeFolderPackage(inbox, 'kotva', metadata('DOC-ANCHOR'), { 'dokument.pdf': onePdf });
    writeFolderPackage(inbox, 'bez-nazvu', { ...metadata('DOC-BAD'), title: '' }, { 'dokument.pdf': onePdf });
    const out = await pub.inbox!.scanNow();
    assert.deepEqual(out.map((o) => [o.name, o.result]), [['bez-nazvu', 'rejected'], ['kotva', 'imported']]);
    const db = pub.ctx.store.db;
    const refused = db.prepare("SELECT actor, detail FROM events WHERE action = 'inbox-rejected' ORDER BY seq DESC LIMIT 1").get() as { actor: string; detail: string };
    assert.equal(refused.actor, 'system:inbox');
    const d = JSON.parse(refused.detail) as { board: string; package: string; problems: string[]; count: number };
    assert.equal(d.board, 'demo');
    assert.equal(d.package, 'bez-nazvu');
    assert.ok(d.count >= 1 && d.problems.some((p) => p.startsWith('metadata.json')), d.problems.join('; '));
    assert.deepEqual(verifyStore(pub.ctx.store).problems, []);

    const real = db.prepare("SELECT * FROM inbox_items WHERE document_id = 'DOC-ANCHOR'").get() as Record<string, unknown>;
    // A forged row would make the sender's next real package DOC-FORGED count as a duplicate of this notice.
    db.prepare(`INSERT INTO inbox_items (board_id, system, external_key, notice_id, document_id, reference_number, notice_type, package_sha256, claim, via, imported_at)
      VALUES ('demo', 'ginis', 'doc:DOC-FORGED', ?, 'DOC-FORGED', NULL, NULL, ?, 'x', 'folder', ?)`).run(real.notice_id, real.package_sha256, real.imported_at);
    const forged = verifyStore(pub.ctx.store).problems;
    assert.equal(forged.length, 1, forged.join('\n'));
    assert.match(forged[0]!, /záznam doručené složky „ginis“ \/ „doc:DOC-FORGED“.*není žádná událost/);
    db.prepare("DELETE FROM inbox_items WHERE external_key = 'doc:DOC-FORGED'").run();

    db.prepare("UPDATE inbox_items SET package_sha256 = ? WHERE document_id = 'DOC-ANCHOR'").run('0'.repeat(64));
    const edited = verifyStore(pub.ctx.store).problems;
    assert.equal(edited.length, 1, edited.join('\n'));
    assert.match(edited[0]!, /neodpovídá události o importu/);
    db.prepare("UPDATE inbox_items SET package_sha256 = ? WHERE document_id = 'DOC-ANCHOR'").run(real.package_sha256);
    assert.deepEqual(verifyStore(pub.ctx.store).problems, []);
  });
});

test('the running publisher watches DATA/inbox/<board>/ and imports a dropped package', async () => {
  using dir = tempDir();
  const c = new ManualClock(T0);
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now: c.now() });
  const p = await startPublisher({ dataDir: dir.path, clock: c, sweep: false, port: 0 });
  try {
    const box = inboxPath(dir.path, 'demo');
    assert.ok(['processing', 'processed', 'rejected', 'duplicates'].every((d) => existsSync(join(box, d))));
    writeZipPackage(box, 'z-watch', metadata('DOC-W'), { 'dokument.pdf': await pdf('x') });
    for (let i = 0; i < 200 && !existsSync(join(box, 'processed/z-watch.zip.imported.txt')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(join(box, 'processed/z-watch.zip.imported.txt')), 'imported by the watcher');
  } finally {
    await p.stop();
  }
});
