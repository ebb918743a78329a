/**
 * `deska` command line: init, serve, kiosk, mirror build, audit verify.
 * Exit codes: 0 ok, 1 the operation failed (message on stderr), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyStore } from './evidence/audit-verify.ts';
import { Store } from './store/store.ts';
import { initData } from './publisher/init.ts';
import { startPublisher } from './publisher/server.ts';
import { buildMirror } from './mirror/build.ts';
import { archiveFromStore } from './mirror/archive.ts';
import { manifestFromStore } from './mirror/from-store.ts';
import { isPublicBase, loadMirrorSettings, normalizePublicUrl } from './mirror/settings.ts';
import { digestFolder } from './publication/digest.ts';
import { keyPaths } from './publisher/server.ts';
import type { FeedManifest } from './shared/feed.ts';
import { backupCommand, restoreCommand } from './backup/cli.ts';
import { tokenActor, TOKEN_KINDS, type TokenKind } from './store/users.ts';

const USAGE = `Usage:
  deska init --data DIR [--demo] [--kiosk ID]... [--board-id ID --board-name NAME --ico 12345678 --public-url URL --time-zone ZONE]
  deska serve --data DIR [--port 8080] [--host 127.0.0.1]
  deska kiosk --profile FILE [--shell electron|chromium|headless] [--data DIR] [--port N]
  deska kiosk-policy [--port N] [--out FILE]          (Chromium's kiosk policies; as root: --out /etc/chromium/policies/managed/deska-kiosk.json)
  deska mirror build --data DIR --out DIR [--board ID] [--public-url URL]
  deska audit verify --data DIR
  deska token list --data DIR
  deska token create --data DIR --kind admin|integration|kiosk --name NAME [--board ID]... [--kiosk ID]
  deska token revoke --data DIR --id TOKEN_ID
  deska backup --data DIR [--to BACKUP_ROOT]          (default root: DATA/backup.json "dir", else DIR-backups)
  deska backup list --data DIR [--to BACKUP_ROOT]
  deska backup verify --data DIR --from BACKUP
  deska restore --data DIR --from BACKUP [--force]     (publisher stopped; current data is moved aside, never deleted)`;

class UsageError extends Error {}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`missing ${flag}`);
  return value;
}

/** A --port value: an integer from `min` (0: any free port) to 65535, or `fallback` when not given. */
function portFlag<T extends number | undefined>(value: string | undefined, fallback: T, min: 0 | 1): number | T {
  if (!value) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < min || port > 65535) throw new UsageError(`--port must be a port number from ${min} to 65535`);
  return port;
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
      board: { type: 'string', multiple: true },
      kiosk: { type: 'string', multiple: true },
      kind: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      'board-id': { type: 'string' },
      'board-name': { type: 'string' },
      ico: { type: 'string' },
      'public-url': { type: 'string' },
      'time-zone': { type: 'string' },
      'admin-password': { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      force: { type: 'boolean' },
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
        kioskIds: values.kiosk,
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
  admin API token:  ${r.apiToken}
${Object.entries(r.kioskTokens)
  .map(([k, t]) => `  kiosk ${k}:  ${t}   (its profile's "token", or DESKA_KIOSK_TOKEN)`)
  .join('\n')}${Object.keys(r.kioskTokens).length === 0 ? '  no kiosk tokens: add --kiosk ID, or later: deska token create --kind kiosk …\n' : ''}
  public key:   ${r.publicKey}   (also in ${resolve(data, 'keys/board.pub')})
  public URL:   ${r.board.publicUrl || 'not set: the web mirror links relatively and writes no open data, feeds or sitemap until it is (--public-url, or "publicUrl" in DATA/mirror.json)'}
The password and tokens are shown only now; keep them safe.`);
      return 0;
    }
    case 'serve': {
      const p = await startPublisher({
        dataDir: need(values.data, '--data'),
        port: portFlag(values.port, 8080, 0),
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
        port: portFlag(values.port, undefined, 0),
        onLog: (l) => console.log(l),
      });
      console.log(`Deska kiosk (${shell}) on ${k.url}`);
      await waitForSignal();
      await k.stop();
      return 0;
    }
    case 'kiosk-policy': {
      const { KIOSK_CHROMIUM_PORT, kioskChromiumPolicy, writeChromiumPolicy } = await import('./kiosk/shells/chromium.ts');
      const port = portFlag(values.port, KIOSK_CHROMIUM_PORT, 1);
      const origin = `http://127.0.0.1:${port}`;
      if (!values.out) {
        console.log(JSON.stringify(kioskChromiumPolicy(origin), null, 2));
        return 0;
      }
      writeChromiumPolicy(values.out, origin);
      console.log(`Chromium kiosk policies for ${origin} written to ${values.out}; restart Chromium (the kiosk service) to apply them.`);
      return 0;
    }
    case 'mirror': {
      if (sub !== 'build') throw new UsageError('unknown mirror command');
      return mirrorBuildCommand(values);
    }
    case 'audit': {
      if (sub !== 'verify') throw new UsageError('unknown audit command');
      const data = resolve(need(values.data, '--data'));
      const store = openForVerify(data);
      try {
        const r = verifyStore(store, { repairHead: true });
        for (const n of r.notes) console.log(`poznámka: ${n}`);
        if (r.problems.length === 0) {
          console.log(
            `auditní log v pořádku: ${r.events} událostí, řetězec ověřen; ${r.notices} oznámení odpovídá logu, ${r.files} souborů příloh odpovídá svým kontrolním součtům, ${r.snapshots} podepsaných snímků se skládá a jejich podpisy platí`,
          );
          return 0;
        }
        console.error(`AUDITNÍ LOG NEBO DATA NARUŠENA: ${r.problems.length} problém(ů) (${r.events} událostí, ${r.notices} oznámení, ${r.files} souborů příloh, ${r.snapshots} snímků)`);
        for (const p of r.problems) console.error(`  - ${p}`);
        console.error(
          'Co dělat: data dál neměňte, zkopírujte celou složku dat stranou jako důkaz a obnovte ji ze zálohy; změny mimo aplikaci prošetřete se správcem serveru.',
        );
        return 1;
      } finally {
        store.close();
      }
    }
    case 'token':
      return tokenCommand(sub, values);
    case 'backup':
      return backupCommand(sub, values, need);
    case 'restore':
      return restoreCommand(values, need);
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

/** `deska token list|create|revoke`: tokens managed on the data folder (the publisher may be running). */
function tokenCommand(sub: string | undefined, v: { data?: string; kind?: string; name?: string; board?: string[]; kiosk?: string[]; id?: string }): number {
  if (!['list', 'create', 'revoke'].includes(sub ?? '')) throw new UsageError('token needs list, create or revoke');
  const store = Store.open(resolve(need(v.data, '--data')));
  try {
    const now = Date.now();
    if (sub === 'list') {
      for (const t of store.users.tokens()) {
        const scope = t.kind === 'integration' ? `boards ${t.boards.join(',')}` : t.kind === 'kiosk' ? `kiosk ${t.kioskId} of ${t.board}` : 'everything';
        console.log(
          `${t.id}  ${t.kind.padEnd(11)} ${t.name}  (${scope})  created ${t.createdAt} by ${t.createdBy}  ` +
            `${t.revokedAt ? `REVOKED ${t.revokedAt}` : `used ${t.useCount}× last ${t.lastUsedAt ?? 'never'}`}`,
        );
      }
      return 0;
    }
    if (sub === 'revoke') {
      const t = store.users.token(need(v.id, '--id'));
      if (!t) throw new Error(`no token ${v.id}`);
      if (store.users.revokeToken(t.id, now)) {
        store.audit.append({ at: now, actor: 'system:cli', action: 'token-revoked', detail: { id: t.id, name: t.name, token: tokenActor(t) } });
      }
      console.log(`revoked ${tokenActor(t)}`);
      return 0;
    }
    const kind = need(v.kind, '--kind') as TokenKind;
    if (!TOKEN_KINDS.includes(kind)) throw new UsageError('--kind must be admin, integration or kiosk');
    const admin = store.db.prepare("SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY created_at LIMIT 1").pluck().get() as string | undefined;
    if (!admin) throw new Error('no active admin user in this data folder');
    const known = store.boards().map((b) => b.id);
    const boards = v.board ?? (known.length === 1 ? known : []);
    for (const b of boards) if (!known.includes(b)) throw new Error(`no board ${b} (boards: ${known.join(', ')})`);
    const kioskId = v.kiosk?.[0];
    if (kind === 'kiosk' && (!kioskId || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(kioskId))) throw new UsageError('a kiosk token needs --kiosk ID (lowercase letters, digits, dashes)');
    if (kind !== 'admin' && boards.length === 0) throw new UsageError('name the board(s) with --board ID');
    if (kind === 'kiosk' && boards.length !== 1) throw new UsageError('a kiosk token is for exactly one --board');
    const name = v.name ?? (kind === 'kiosk' ? `kiosk ${kioskId}` : '');
    if (name === '' || /[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new UsageError('--name NAME is required (no control characters)');
    const t = store.users.createToken({ name, kind, userId: admin, boards, boardId: boards[0], kioskId }, now);
    store.audit.append({ at: now, actor: 'system:cli', action: 'token-created', detail: { id: t.id, name, kind, boards: t.info.boards, board: t.info.board, kioskId: t.info.kioskId } });
    console.log(`created ${tokenActor(t.info)} (${kind})
  token: ${t.token}
The token is shown only now; keep it safe.`);
    return 0;
  } finally {
    store.close();
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

/**
 * `main` with the operator's error handling: a usage error prints the usage (exit 2), any other
 * failure one plain line on stderr (exit 1), never a stack trace. bin/deska.js runs this.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`deska: ${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`deska: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (import.meta.main) {
  run(process.argv.slice(2)).then((code) => process.exit(code));
}

/**
 * `deska mirror build`: the mirror of each board (or --board) into --out. Renders the newest
 * signed snapshot; a board with none yet (right after `deska init`) is rendered from the store.
 */
async function mirrorBuildCommand(values: { data?: string; out?: string; board?: string[]; 'public-url'?: string }): Promise<number> {
  const data = resolve(need(values.data, '--data'));
  const outRoot = resolve(need(values.out, '--out'));
  const override = values['public-url'];
  if (override !== undefined && !isPublicBase(override)) throw new UsageError('--public-url must be an http(s):// address without query or fragment, e.g. https://deska.obec.cz/');
  if (existsSync(data) && !statSync(data).isDirectory()) throw new Error(`${data} je soubor, ne složka dat: parametr --data má ukazovat na složku, ve které je deska.sqlite.`);
  if (!existsSync(join(data, 'deska.sqlite'))) throw new Error(`${data} neobsahuje úložiště Deska (deska.sqlite); zkontrolujte --data, nebo složku nejdřív vytvořte příkazem deska init.`);
  const store = Store.open(data);
  try {
    const only = values.board?.[0];
    const all = store.boards();
    const boards = all.filter((b) => !only || b.id === only);
    if (boards.length === 0) throw new Error(`deska ${only ?? ''} v této složce dat není (desky: ${all.map((b) => b.id).join(', ') || 'žádné'})`);
    const pub = existsSync(keyPaths(data).publicKey) ? readFileSync(keyPaths(data).publicKey, 'utf8').trim() : null;
    for (const b of boards) {
      const settings = loadMirrorSettings(data, b.id);
      if (override !== undefined) settings.publicUrl = normalizePublicUrl(override);
      const now = Date.now();
      const s = store.snapshots.latest(b.id);
      const manifest = s ? (JSON.parse(s.manifest.toString('utf8')) as FeedManifest) : manifestFromStore(store, b.id, now);
      const out = boards.length > 1 ? join(outRoot, b.id) : outRoot;
      const r = await buildMirror(
        { manifest, at: Math.max(now, s ? Date.parse(s.createdAt) : now), readAttachment: async (sha) => store.blobs.read(sha), digestDir: digestFolder(data, b.id), publicKey: pub, settings, archive: settings.archive ? archiveFromStore(store, b.id, now) : undefined },
        out,
      );
      console.log(`mirror of ${b.id}: ${r.shownNoticeIds.length} notices → ${out}${s ? '' : ' (no signed snapshot yet: rendered from the data folder)'}`);
      for (const w of r.warnings) console.log(`  upozornění: ${w}`);
    }
  } finally {
    store.close();
  }
  return 0;
}

/** The store `deska audit verify` checks, or an error an operator understands (never SQLite's English). */
function openForVerify(data: string): Store {
  if (existsSync(data) && !statSync(data).isDirectory()) {
    throw new Error(`${data} je soubor, ne složka dat: parametr --data má ukazovat na složku, ve které je deska.sqlite.`);
  }
  const file = join(data, 'deska.sqlite');
  if (!existsSync(file)) throw new Error(`${data} neobsahuje úložiště Deska (deska.sqlite); zkontrolujte --data`);
  try {
    return Store.open(data);
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    const why =
      code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
        ? 'není databáze SQLite, nebo je poškozený'
        : code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('E')
          ? 'nelze otevřít (zkontrolujte oprávnění ke složce a souboru)'
          : 'nelze otevřít jako úložiště Deska';
    throw new Error(`Soubor ${file} ${why}. Audit nelze ověřit. Data dál neměňte, zkopírujte složku stranou a obnovte ji ze zálohy.`);
  }
}
