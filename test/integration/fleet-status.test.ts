/**
 * Fleet status and alerts with a real publisher, real kiosks on loopback, a real webhook
 * receiver and a real alert command: a kiosk that reports is online; one whose board key is
 * wrong reports but never applies a snapshot and turns stale past its threshold; a stopped kiosk
 * turns offline; each raises one alert (app, audit log, command, webhook) and one recovery.
 * The check runs at instants past the thresholds (`checkFleet(…, now)`), as the minute job would.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkFleet, type FleetNotice } from '../../src-main/fleet/fleet.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import type { FleetStatusResponse } from '../../src-main/shared/fleet.ts';
import { waitFor } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';
import { apiJson, kioskToken, startBoard, writeProfile } from '../e2e/harness.ts';

test('online, stale, offline and never: each alert raised once and cleared on recovery, through command and webhook', async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path, { fleetAlerts: false }); // the tests run checkFleet at chosen instants; the real minute job would race them
  const data = join(dir.path, 'data');
  const received: FleetNotice[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as FleetNotice);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const commandLog = join(dir.path, 'alerts.txt');
  writeFileSync(
    join(data, 'fleet.json'),
    JSON.stringify({
      offlineAfterSeconds: 600,
      staleAfterSeconds: 60,
      alert: {
        webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        command: [process.execPath, '-e', `require('node:fs').appendFileSync(${JSON.stringify(commandLog)}, process.env.DESKA_EVENT + ' ' + process.argv[1] + '\\n')`, '{kiosk}'],
      },
    }),
  );
  kioskToken(board, 'vestibul'); // a kiosk that was set up but never came online

  const lobby = await startKiosk({ profilePath: writeProfile(board, 'lobby'), shell: 'headless', port: 0 });
  // The second kiosk has a wrong board key in its profile: it reaches the publisher but can apply nothing.
  const wrongProfile = writeProfile(board, 'chodba');
  const p = JSON.parse(readFileSync(wrongProfile, 'utf8')) as { publicKey: string };
  p.publicKey = generateBoardKeys().publicKey;
  writeFileSync(wrongProfile, JSON.stringify(p));
  const chodba = await startKiosk({ profilePath: wrongProfile, shell: 'headless', port: 0 });
  let lobbyStopped: RunningKiosk | null = null;
  const { store } = board.publisher.ctx;
  const fleet = (): Promise<FleetStatusResponse> => apiJson<FleetStatusResponse>(board, '/status/fleet');
  const health = async (): Promise<Record<string, string>> => Object.fromEntries((await fleet()).kiosks.map((k) => [k.kioskId, k.health]));
  try {
    await waitFor(() => store.evidence.kiosks().length === 2, 'both kiosks report', 20_000);
    await waitFor(async () => (await fleet()).kiosks.find((k) => k.kioskId === 'lobby')?.appliedSeq === store.snapshots.latestSeq('demo'), 'lobby applied', 20_000);
    assert.deepEqual(await health(), { lobby: 'online', chodba: 'online', vestibul: 'never' }, 'catching up within the threshold is still online');
    assert.equal((await fleet()).kiosks.find((k) => k.kioskId === 'chodba')!.appliedSeq, null, 'the kiosk with the wrong key applied nothing');
    const lobbyRow = (await fleet()).kiosks.find((k) => k.kioskId === 'lobby')!;
    assert.match(lobbyRow.version ?? '', /\d/);
    assert.equal(typeof lobbyRow.clockOffsetMs, 'number');

    const log: string[] = [];
    const check = (at: number): Promise<string[]> => checkFleet(store, data, at, (l) => log.push(l)).then((ns) => ns.map((n) => `${n.event} ${n.kioskId} ${n.health}`));
    // Seconds on: chodba lacks the snapshot, but not yet for a minute.
    assert.deepEqual(await check(Date.now() + 10_000), []);
    // Two minutes on (both reported within the offline threshold of 10 min): chodba is stale.
    const stale = await checkFleet(store, data, Date.now() + 2 * 60_000, (l) => log.push(l));
    assert.deepEqual(stale.map((n) => `${n.event} ${n.kioskId} ${n.health}`), ['kiosk-alert chodba stale']);
    assert.match(stale[0]!.message, /nemá nejnovější stav desky/);
    // The same state again: no second alert; the kiosk never seen raises none.
    assert.deepEqual(await check(Date.now() + 3 * 60_000), []);

    // lobby stops; 11 minutes after its last report both kiosks are silent past the threshold.
    await lobby.stop();
    lobbyStopped = lobby;
    const lastLobby = Date.parse(store.evidence.kiosks().find((k) => k.id === 'lobby')!.lastReportAt);
    assert.deepEqual(await check(lastLobby + 11 * 60_000), ['kiosk-alert chodba offline', 'kiosk-alert lobby offline']);

    // lobby comes back and reports: recovered; chodba reports too, still without the snapshot: stale again.
    const lobby2 = await startKiosk({ profilePath: join(dir.path, 'lobby.json'), shell: 'headless', port: 0 });
    try {
      await waitFor(() => Date.parse(store.evidence.kiosks().find((k) => k.id === 'lobby')!.lastReportAt) > lastLobby, 'lobby reports again', 20_000);
      assert.deepEqual(await check(Date.now() + 2 * 60_000), ['kiosk-alert chodba stale', 'kiosk-recovered lobby online']);
    } finally {
      await lobby2.stop();
    }

    // What went out, and what the audit log holds.
    const sent = ['kiosk-alert chodba', 'kiosk-alert chodba', 'kiosk-alert lobby', 'kiosk-alert chodba', 'kiosk-recovered lobby'];
    assert.deepEqual(received.map((n) => `${n.event} ${n.kioskId}`), sent);
    assert.ok(existsSync(commandLog));
    assert.deepEqual(readFileSync(commandLog, 'utf8').trim().split('\n'), sent);
    const audit = store.audit.list().filter((e) => e.action === 'fleet-alert' || e.action === 'fleet-recovered');
    assert.deepEqual(
      audit.map((e) => `${e.action} ${String(e.detail.kioskId)}`),
      ['fleet-alert chodba', 'fleet-alert chodba', 'fleet-alert lobby', 'fleet-alert chodba', 'fleet-recovered lobby'],
    );
    for (const e of audit) assert.deepEqual(e.detail.delivered, { command: 'ok', webhook: 'ok' });
    assert.equal((await fleet()).kiosks.find((k) => k.kioskId === 'chodba')!.alertSince !== null, true, 'the raised alert shows in the status');
  } finally {
    if (!lobbyStopped) await lobby.stop();
    await chodba.stop();
    await board.publisher.stop();
    hook.close();
  }
});

test('a malformed fleet.json is refused with a message naming the field, and the status endpoint says so', async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path, { fleetAlerts: false }); // the tests run checkFleet at chosen instants; the real minute job would race them
  try {
    writeFileSync(join(dir.path, 'data', 'fleet.json'), JSON.stringify({ staleAfterSeconds: 'deset minut' }));
    await assert.rejects(checkFleet(board.publisher.ctx.store, join(dir.path, 'data'), Date.now(), () => undefined), /"staleAfterSeconds" musí být celé číslo sekund/);
    const status = await apiJson<FleetStatusResponse>(board, '/status/fleet');
    assert.match(status.settingsProblem ?? '', /"staleAfterSeconds" musí být celé číslo sekund/, 'the status shows the problem and falls back to the defaults');
    assert.equal(status.staleAfterSeconds, 900);
  } finally {
    await board.publisher.stop();
  }
});
