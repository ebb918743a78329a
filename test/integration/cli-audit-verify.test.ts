/**
 * `deska audit verify` as an operator runs it (a child process on a real data folder), after
 * the kinds of tampering an attacker with the SQLite file and the blob folder can do, after a
 * damaged event, and after a publisher killed right after a commit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { initData } from '../../src-main/publisher/init.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');
const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));
const STORE_TS = new URL('../../src-main/store/store.ts', import.meta.url).href;

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = tempDir();
const template = join(tmp.path, 'template');
let withdrawnId = '';
let postedId = '';
let postedTitle = '';

before(async () => {
  await initData({ dataDir: template, demo: true, adminPassword: 'correct horse', now: NOW });
  const store = Store.open(template, () => NOW);
  try {
    const posted = store.notices.list('demo').filter((n) => store.notices.stateOf(n, NOW) === 'posted' && n.attachments.length > 0);
    assert.ok(posted.length >= 2, 'the demo board has posted notices with attachments');
    withdrawnId = store.notices.withdraw(posted[0]!.id, 'Chybná příloha, nahrazeno opravou', 'admin', NOW + 1000).id;
    postedId = posted[1]!.id;
    postedTitle = posted[1]!.title;
  } finally {
    store.close();
  }
});

after(() => tmp[Symbol.dispose]());

let cases = 0;
/** A fresh copy of the template data folder, changed by `tamper` through SQLite or the file system. */
function copy(tamper: (dir: string, store: Store) => void = () => {}): string {
  const dir = join(tmp.path, `case-${++cases}`);
  cpSync(template, dir, { recursive: true });
  const store = Store.open(dir);
  try {
    tamper(dir, store);
  } finally {
    store.close();
  }
  return dir;
}

function sqlite(store: Store, sql: string, ...params: unknown[]): void {
  store.db.prepare(sql).run(...params);
}

function expectProblem(dir: string, pattern: RegExp): string {
  const r = deska(['audit', 'verify', '--data', dir]);
  assert.equal(r.code, 1, `exit code; stdout:\n${r.out}\nstderr:\n${r.err}`);
  assert.match(r.err, /^AUDITNÍ LOG NEBO DATA NARUŠENA: \d+ problém/m);
  assert.match(r.err, pattern);
  assert.match(r.err, /Co dělat: /);
  assert.doesNotMatch(r.err, /\n\s+at .*\.ts:\d+/, 'no stack trace');
  return r.err;
}

test('an intact demo board verifies: 0, with events, notices and attachment files counted', () => {
  const r = deska(['audit', 'verify', '--data', copy()]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.match(r.out, /^auditní log v pořádku: \d+ událostí, řetězec ověřen; \d+ oznámení odpovídá logu, \d+ souborů příloh odpovídá svým kontrolním součtům, \d+ podepsaných snímků se skládá a jejich podpisy platí$/m);
  assert.doesNotMatch(r.out, /poznámka/, 'a clean shutdown leaves no "head behind" note');
});

test("a notice's title changed directly in SQLite is reported with the old and new value", () => {
  const dir = copy((_d, s) => sqlite(s, 'UPDATE notices SET title = ? WHERE id = ?', 'Podvržený název', postedId));
  const err = expectProblem(dir, new RegExp(`oznámení ${postedId} \\(„Podvržený název“\\): pole „název“ změněno přímo v databázi: podle události č\\. \\d+ „${postedTitle}“, nyní „Podvržený název“`));
  assert.equal(err.match(/^ {2}- /gm)?.length, 1, err);
});

test('a posting instant changed directly in SQLite is reported', () => {
  const dir = copy((_d, s) => sqlite(s, "UPDATE notices SET post_at = '2026-11-01T08:00:00.000Z' WHERE id = ?", postedId));
  expectProblem(dir, /pole „okamžik vyvěšení“ změněno přímo v databázi: podle události č\. \d+ „[^“]+“, nyní „2026-11-01T08:00:00\.000Z“/);
});

test('a withdrawal reason changed directly in SQLite is reported', () => {
  const dir = copy((_d, s) => sqlite(s, "UPDATE notices SET withdraw_reason = 'Na žádost starosty' WHERE id = ?", withdrawnId));
  expectProblem(dir, /pole „důvod stažení“ změněno přímo v databázi: podle události č\. \d+ „Chybná příloha, nahrazeno opravou“, nyní „Na žádost starosty“/);
});

test("an attachment's row changed directly in SQLite (its name) is reported", () => {
  const dir = copy((_d, s) => sqlite(s, "UPDATE notice_attachments SET name = 'jina.pdf' WHERE notice_id = ?", postedId));
  expectProblem(dir, new RegExp(`oznámení ${postedId} .*: příloha „[^“]+“ \\([0-9a-f]{64}\\): název „[^“]+“ → „jina\\.pdf“ změněno přímo v databázi \\(podle události č\\. \\d+\\)`));
});

test('an attachment file replaced on disk is reported, and so is a missing one', () => {
  let sha = '';
  const replaced = copy((_d, s) => {
    sha = s.notices.get(postedId)!.attachments[0]!.sha256;
    const file = s.blobs.path(sha);
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1; // same size, one bit different
    writeFileSync(file, bytes);
  });
  expectProblem(replaced, new RegExp(`soubor přílohy ${sha} \\(oznámení ${postedId} .*\\) byl nahrazen jiným obsahem \\(jeho SHA-256 je nyní [0-9a-f]{64}\\); obnovte jej ze zálohy`));
  const missing = copy((_d, s) => rmSync(s.blobs.path(sha)));
  expectProblem(missing, new RegExp(`soubor přílohy ${sha} .* chybí`));
});

test('a changed event is reported by its number', () => {
  const dir = copy((_d, s) => {
    s.db.exec('DROP TRIGGER events_no_update');
    sqlite(s, "UPDATE events SET actor = 'mallory' WHERE seq = 2");
  });
  expectProblem(dir, /událost č\. 2 \(\w+, mallory, [^)]+\): obsah byl po zápisu změněn/);
});

test('the newest event deleted (after dropping the trigger) is caught by the head file', () => {
  const dir = copy((_d, s) => {
    s.db.exec('DROP TRIGGER events_no_delete');
    sqlite(s, 'DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)');
  });
  expectProblem(dir, /nejnovější události byly smazány: log končí událostí č\. (\d+), zaznamenaný poslední zápis je č\. \d+/);
});

test('a malformed event (detail not JSON) is reported as damaged; verify does not crash', () => {
  const dir = copy((_d, s) => {
    s.db.exec('DROP TRIGGER events_no_update');
    sqlite(s, "UPDATE events SET detail = '{\"reason\": ' WHERE seq = 3");
  });
  expectProblem(dir, /událost č\. 3 je poškozená: podrobnosti nejsou platný objekt JSON\. Záznam nelze ověřit\./);
});

test('a publisher killed (SIGKILL) right after a commit, before the head file is updated, raises no false alarm', () => {
  const dir = copy();
  const before = readFileSync(join(dir, 'audit.head'), 'utf8');
  // A real process commits a change and is killed before the microtask that records the commit
  // in the head file can run: exactly the window a power cut or kill -9 hits.
  const child = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { Store } from ${JSON.stringify(STORE_TS)};
       const store = Store.open(${JSON.stringify(dir)});
       store.notices.withdraw(${JSON.stringify(postedId)}, 'Staženo těsně před výpadkem', 'admin', ${NOW + 5000});
       process.kill(process.pid, 'SIGKILL');`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  const head = JSON.parse(readFileSync(join(dir, 'audit.head'), 'utf8')) as { seq: number; pending?: { seq: number }[] };
  assert.notEqual(readFileSync(join(dir, 'audit.head'), 'utf8'), before);
  assert.equal(head.pending?.length, 1, 'the head names the committed event only as pending');

  const r = deska(['audit', 'verify', '--data', dir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /poznámka: soubor s posledním zápisem zaostával o událost č\. \d+ \(vydavatel byl nejspíš ukončen hned po uložení změny\); opraveno/);
  assert.match(r.out, /auditní log v pořádku/);
  const again = deska(['audit', 'verify', '--data', dir]);
  assert.equal(again.code, 0, again.err);
  assert.doesNotMatch(again.out, /poznámka/, 'the head file was brought up to date');
});

/** A correction of the posted notice (store/revisions.ts): revisions 1 and 2 with their 'corrected' event. */
function correct(s: Store): void {
  s.revisions.correct(postedId, { patch: { title: 'Opravený název' }, add: [], removeShas: [], reason: 'Překlep v názvu', restartPeriod: false }, 'admin', NOW + 2000);
}

test("a corrected notice verifies; a revision's reason or content edited directly in SQLite is reported by field", () => {
  const intact = deska(['audit', 'verify', '--data', copy((_d, s) => correct(s))]);
  assert.equal(intact.code, 0, intact.err);
  const reason = copy((_d, s) => {
    correct(s);
    s.db.exec('DROP TRIGGER notice_revisions_no_update');
    sqlite(s, "UPDATE notice_revisions SET reason = 'Na pokyn starosty' WHERE notice_id = ? AND revision = 2", postedId);
  });
  const err = expectProblem(reason, new RegExp(`oznámení ${postedId}, revize 2: pole „důvod opravy“ změněno přímo v databázi: podle události č\\. \\d+ „Překlep v názvu“, nyní „Na pokyn starosty“`));
  assert.equal(err.match(/^ {2}- /gm)?.length, 1, err);
  const content = copy((_d, s) => {
    correct(s);
    s.db.exec('DROP TRIGGER notice_revisions_no_update');
    sqlite(s, "UPDATE notice_revisions SET content = json_set(content, '$.title', 'Podvržené znění') WHERE notice_id = ? AND revision = 1", postedId);
  });
  expectProblem(content, new RegExp(`oznámení ${postedId}, revize 1: obsah neodpovídá svému otisku SHA-256`));
  expectProblem(content, new RegExp(`oznámení ${postedId}, revize 1: pole „obsah“ změněno přímo v databázi`));
  const deleted = copy((_d, s) => {
    correct(s);
    s.db.exec('DROP TRIGGER notice_revisions_no_delete');
    sqlite(s, 'DELETE FROM notice_revisions WHERE notice_id = ? AND revision = 2', postedId);
  });
  expectProblem(deleted, new RegExp(`oznámení ${postedId}, revize 2: v auditním logu je \\(událost č\\. \\d+\\), ale z databáze byla smazána`));
});

test('a data folder that is not a Deska store is an error, not a fresh empty store', () => {
  const r = deska(['audit', 'verify', '--data', join(tmp.path, 'nothing-here')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /neobsahuje úložiště Deska/);
});
