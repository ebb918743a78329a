/**
 * `deska` command line: init, serve, kiosk, mirror build, audit verify.
 * Exit codes: 0 ok, 1 the operation failed (message on stderr), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyStore } from './evidence/audit-verify.ts';
import { Store } from './store/store.ts';
import { initData } from './publisher/init.ts';
import { startPublisher } from './publisher/server.ts';
import { buildMirror } from './mirror/build.ts';
import type { FeedManifest } from './shared/feed.ts';

const USAGE = `Usage:
  deska init --data DIR [--demo] [--board-id ID --board-name NAME --ico 12345678 --public-url URL --time-zone ZONE]
  deska serve --data DIR [--port 8080] [--host 127.0.0.1]
  deska kiosk --profile FILE [--shell electron|chromium|headless] [--data DIR] [--port N]
  deska mirror build --data DIR --out DIR [--board ID]
  deska audit verify --data DIR`;

class UsageError extends Error {}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`missing ${flag}`);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      demo: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      profile: { type: 'string' },
      shell: { type: 'string' },
      out: { type: 'string' },
      board: { type: 'string' },
      'board-id': { type: 'string' },
      'board-name': { type: 'string' },
      ico: { type: 'string' },
      'public-url': { type: 'string' },
      'time-zone': { type: 'string' },
      'admin-password': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  switch (cmd) {
    case 'init': {
      const data = need(values.data, '--data');
      const r = await initData({
        dataDir: resolve(data),
        demo: values.demo,
        adminPassword: values['admin-password'],
        board: {
          ...(values['board-id'] && { id: values['board-id'] }),
          ...(values['board-name'] && { name: values['board-name'] }),
          ...(values.ico && { ico: values.ico }),
          ...(values['public-url'] && { publicUrl: values['public-url'] }),
          ...(values['time-zone'] && { timeZone: values['time-zone'] }),
        },
      });
      console.log(`Created board "${r.board.name}" (${r.board.id}) in ${resolve(data)}
  sign in:      ${r.adminUser} / ${r.adminPassword}
  API token:    ${r.apiToken}
  kiosk token:  ${r.kioskToken}   (for kiosk profiles: "reportToken" or DESKA_KIOSK_TOKEN)
  public key:   ${r.publicKey}   (also in ${resolve(data, 'keys/board.pub')})
The password and tokens are shown only now; keep them safe.`);
      return 0;
    }
    case 'serve': {
      const p = await startPublisher({
        dataDir: need(values.data, '--data'),
        port: values.port ? Number(values.port) : 8080,
        host: values.host ?? '127.0.0.1',
      });
      const boards = p.ctx.store.boards();
      console.log(`Deska publisher on ${p.url}
  clerk app:  ${p.url}/app/clerk/
  API:        ${p.url}/api/v1/openapi.json
${boards.map((b) => `  board ${b.id}: mirror ${p.url}/mirror/${b.id}/  feed ${p.url}/feed/${b.id}/manifest.json`).join('\n')}`);
      await waitForSignal();
      await p.stop();
      return 0;
    }
    case 'kiosk': {
      const { startKiosk } = await import('./kiosk/run.ts');
      const shell = (values.shell ?? 'chromium') as 'electron' | 'chromium' | 'headless';
      if (!['electron', 'chromium', 'headless'].includes(shell)) throw new UsageError(`--shell must be electron, chromium or headless`);
      const k = await startKiosk({
        profilePath: need(values.profile, '--profile'),
        shell,
        dataDir: values.data,
        port: values.port ? Number(values.port) : undefined,
        onLog: (l) => console.log(l),
      });
      console.log(`Deska kiosk (${shell}) on ${k.url}`);
      await waitForSignal();
      await k.stop();
      return 0;
    }
    case 'mirror': {
      if (sub !== 'build') throw new UsageError('unknown mirror command');
      const store = Store.open(resolve(need(values.data, '--data')));
      try {
        const boards = store.boards().filter((b) => !values.board || b.id === values.board);
        if (boards.length === 0) throw new Error(`no board ${values.board ?? ''} in this data folder`);
        for (const b of boards) {
          const s = store.snapshots.latest(b.id);
          if (!s) throw new Error(`board ${b.id} has no snapshot yet: run "deska serve" once`);
          const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
          const out = boards.length > 1 ? resolve(need(values.out, '--out'), b.id) : resolve(need(values.out, '--out'));
          const r = await buildMirror({ manifest, at: Date.now(), readAttachment: async (sha) => store.blobs.read(sha) }, out);
          console.log(`mirror of ${b.id}: ${r.shownNoticeIds.length} notices → ${out}`);
        }
      } finally {
        store.close();
      }
      return 0;
    }
    case 'audit': {
      if (sub !== 'verify') throw new UsageError('unknown audit command');
      const data = resolve(need(values.data, '--data'));
      if (!existsSync(join(data, 'deska.sqlite'))) throw new Error(`${data} neobsahuje úložiště Deska (deska.sqlite); zkontrolujte --data`);
      const store = Store.open(data);
      try {
        const r = verifyStore(store, { repairHead: true });
        for (const n of r.notes) console.log(`poznámka: ${n}`);
        if (r.problems.length === 0) {
          console.log(
            `auditní log v pořádku: ${r.events} událostí, řetězec ověřen; ${r.notices} oznámení odpovídá logu, ${r.files} souborů příloh odpovídá svým kontrolním součtům`,
          );
          return 0;
        }
        console.error(`AUDITNÍ LOG NEBO DATA NARUŠENA: ${r.problems.length} problém(ů) (${r.events} událostí, ${r.notices} oznámení, ${r.files} souborů příloh)`);
        for (const p of r.problems) console.error(`  - ${p}`);
        console.error(
          'Co dělat: data dál neměňte, zkopírujte celou složku dat stranou jako důkaz a obnovte ji ze zálohy; změny mimo aplikaci prošetřete se správcem serveru.',
        );
        return 1;
      } finally {
        store.close();
      }
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
        console.error(`deska: ${e.message}\n${USAGE}`);
        process.exit(2);
      }
      console.error(`deska: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
