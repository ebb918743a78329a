import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src-main/cli.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

/** Runs `deska …` in-process, capturing what it prints. */
async function deska(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('deska audit verify: 0 on an intact demo board, 1 with the tampered event on stderr', async () => {
  using tmp = tempDir();
  const data = join(tmp.path, 'data');
  await initData({ dataDir: data, demo: true, adminPassword: 'correct horse', now: NOW });

  const ok = await deska(['audit', 'verify', '--data', data]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(ok.err, '');
  assert.match(ok.out, /audit log intact: \d+ events, hash chain verified/);
  const events = Number(/intact: (\d+) events/.exec(ok.out)![1]);
  assert.ok(events >= 3, `init and the demo notices leave events (got ${events})`);

  const store = Store.open(data);
  try {
    store.db.exec('DROP TRIGGER events_no_update');
    store.db.prepare("UPDATE events SET actor = 'mallory' WHERE seq = 2").run();
  } finally {
    store.close();
  }

  const bad = await deska(['audit', 'verify', '--data', data]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, new RegExp(`AUDIT LOG TAMPERED: 1 problem\\(s\\) in ${events} events`));
  assert.match(bad.err, /event 2 \(\w+ by mallory at [^)]+\): content changed/);
});

test('deska audit verify: deleting the newest events makes it fail as well', async () => {
  using tmp = tempDir();
  const data = join(tmp.path, 'data');
  await initData({ dataDir: data, adminPassword: 'correct horse', now: NOW });
  const store = Store.open(data);
  try {
    store.audit.append({ at: NOW + 1000, actor: 'admin', action: 'signed-in' });
    store.db.exec('DROP TRIGGER events_no_delete');
    store.db.prepare('DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)').run();
  } finally {
    store.close();
  }
  const bad = await deska(['audit', 'verify', '--data', data]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /newest events deleted: the log ends at 1, the recorded head is 2/);
});
