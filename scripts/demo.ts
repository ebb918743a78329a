/**
 * `npm start`: a demo board on this machine — the publisher (API, clerk app, feed, mirror)
 * on :8080 and one lobby kiosk on :8081 — with realistic Czech notices and real PDFs.
 * The kiosk opens in the system's Chromium when a display is available, else serves headless.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initData } from '../src-main/publisher/init.ts';
import { startPublisher } from '../src-main/publisher/server.ts';
import { startKiosk } from '../src-main/kiosk/run.ts';

const root = resolve(import.meta.dirname, '..');
const data = resolve(root, 'demo-data');
const tokenDir = resolve(data, 'kiosk-tokens');
const DEMO_PASSWORD = 'deska-demo';
const LOBBY = 'lobby-landscape';

/** The demo board's kiosks: every profile in kiosk-profiles/ for the board "demo". */
const profilesDir = resolve(root, 'kiosk-profiles');
const demoKiosks = readdirSync(profilesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(resolve(profilesDir, f), 'utf8')) as { kioskId: string; board: string })
  .filter((p) => p.board === 'demo')
  .map((p) => p.kioskId);

/** Each kiosk's own token, kept in demo-data/kiosk-tokens/<kiosk id> (the store keeps only hashes). */
const saveToken = (kioskId: string, token: string): void => {
  mkdirSync(tokenDir, { recursive: true });
  writeFileSync(resolve(tokenDir, kioskId), token + '\n', { mode: 0o600 });
};

if (!existsSync(resolve(data, 'deska.sqlite'))) {
  // The demo's mirror is served by the publisher itself, so that is its public URL (every link in
  // its open data, feeds and sitemap opens on this machine); DESKA_PUBLIC_URL gives another.
  const publicUrl = process.env.DESKA_PUBLIC_URL ?? 'http://127.0.0.1:8080/mirror/demo/';
  const r = await initData({ dataDir: data, demo: true, adminPassword: DEMO_PASSWORD, kioskIds: demoKiosks, board: { publicUrl } });
  for (const [k, t] of Object.entries(r.kioskTokens)) saveToken(k, t);
  console.log(`Created the demo board in ${data}`);
}

const publisher = await startPublisher({ dataDir: data, port: 8080, onLog: (l) => console.log(l) });
// demo-data made before kiosk tokens existed: give the lobby kiosk its own token now.
if (!existsSync(resolve(tokenDir, LOBBY))) {
  const { store } = publisher.ctx;
  const admin = store.db.prepare("SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1").pluck().get() as string;
  saveToken(LOBBY, store.users.createToken({ name: `kiosk ${LOBBY}`, kind: 'kiosk', userId: admin, boardId: 'demo', kioskId: LOBBY }, Date.now()).token);
}
process.env.DESKA_KIOSK_TOKEN ??= readFileSync(resolve(tokenDir, LOBBY), 'utf8').trim();
const shell = process.env.DESKA_SHELL === 'chromium' || (process.env.DISPLAY && process.env.DESKA_SHELL !== 'headless') ? 'chromium' : 'headless';
const kiosk = await startKiosk({
  profilePath: resolve(root, 'kiosk-profiles/lobby-landscape.json'),
  shell,
  port: 8081,
  onLog: (l) => console.log(`[kiosk] ${l}`),
});

console.log(`
Deska demo board "Obecní úřad Horní Lhota" is running.
  Kiosk (lobby, ${shell}):  ${kiosk.url}
  Clerk app:                ${publisher.url}/app/clerk/   sign in: admin / ${DEMO_PASSWORD}  (or referentka / referentka-demo)
  Web mirror:               ${publisher.url}/mirror/demo/
  Open data (OFN):          ${publisher.url}/mirror/demo/opendata/uredni-deska.jsonld
  Signed feed (kiosk token): ${publisher.url}/feed/demo/manifest.json
  API (OpenAPI 3.1):        ${publisher.url}/api/v1/openapi.json
One demo notice posts two minutes after the first start and one is removed after five.
Data lives in ${data} (delete it to start over). Ctrl+C stops.`);

const stop = async (): Promise<void> => {
  await kiosk.stop();
  await publisher.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
