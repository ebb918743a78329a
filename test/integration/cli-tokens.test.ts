/**
 * `deska init --kiosk ID` and `deska token create|list|revoke` on a real data folder, then each
 * token used against a real publisher on loopback: a kiosk token reads only its board's feed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src-main/cli.ts';
import { startPublisher } from '../../src-main/publisher/server.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Runs `deska …` in-process, capturing what it prints. */
async function deska(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const { log } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    return { code: await main(args), out: out.join('\n') };
  } finally {
    console.log = log;
  }
}

test('init prints one kiosk token per --kiosk; token create/list/revoke manage them; each reads only its own board feed', async () => {
  using tmp = tempDir();
  const data = join(tmp.path, 'data');
  const init = await deska(['init', '--data', data, '--admin-password', 'spravce-heslo', '--kiosk', 'vestibul', '--kiosk', 'chodba']);
  assert.equal(init.code, 0);
  const printed = (id: string): string => new RegExp(`kiosk ${id}:\\s+(deska_\\S+)`).exec(init.out)![1]!;
  const [vestibul, chodba] = [printed('vestibul'), printed('chodba')];
  assert.notEqual(vestibul, chodba);

  const created = await deska(['token', 'create', '--data', data, '--kind', 'kiosk', '--kiosk', 'dvur', '--board', 'demo']);
  assert.equal(created.code, 0);
  const dvur = /token: (deska_\S+)/.exec(created.out)![1]!;
  const id = /created token:kiosk dvur#([0-9a-f]{8})/.exec(created.out)![1]!;

  const list = await deska(['token', 'list', '--data', data]);
  assert.match(list.out, /kiosk\s+kiosk vestibul\s+\(kiosk vestibul of demo\)/);
  assert.match(list.out, /admin\s+správa\s+\(everything\)/);
  assert.ok(![vestibul, chodba, dvur].some((t) => list.out.includes(t)), 'secrets are never listed');
  const fullId = new RegExp(`^(${id}\\S+)\\s+kiosk\\s+kiosk dvur`, 'm').exec(list.out)![1]!;

  const pub = await startPublisher({ dataDir: data, sweep: false });
  try {
    const feed = async (token: string): Promise<number> => {
      const r = await fetch(`${pub.url}/feed/demo/manifest.json`, { headers: { authorization: `Bearer ${token}` } });
      await r.body?.cancel();
      return r.status;
    };
    assert.deepEqual([await feed(vestibul), await feed(chodba), await feed(dvur)], [200, 200, 200]);
    assert.equal((await fetch(`${pub.url}/api/v1/boards`, { headers: { authorization: `Bearer ${vestibul}` } })).status, 403);
    assert.equal((await deska(['token', 'revoke', '--data', data, '--id', fullId])).code, 0);
    assert.equal(await feed(dvur), 401);
    assert.equal(await feed(vestibul), 200);
  } finally {
    await pub.stop();
  }
  assert.match((await deska(['token', 'list', '--data', data])).out, /kiosk dvur .*REVOKED/);
  await assert.rejects(deska(['token', 'create', '--data', data, '--kind', 'kiosk', '--board', 'demo']), /--kiosk ID/);
});
