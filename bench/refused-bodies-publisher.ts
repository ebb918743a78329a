/**
 * Child process for bench/refused-bodies.ts: a fresh data folder and a real publisher
 * (default limits: 25 MB per file), announcing itself on stdout as one JSON line.
 */
import { join } from 'node:path';
import { initData } from '../src-main/publisher/init.ts';
import { startPublisher } from '../src-main/publisher/server.ts';

const dir = process.argv[2]!;
const init = await initData({ dataDir: join(dir, 'data'), adminPassword: 'bench-heslo' });
const pub = await startPublisher({ dataDir: join(dir, 'data'), sweep: false });
process.stdout.write(JSON.stringify({ url: pub.url, token: init.apiToken }) + '\n');
process.once('SIGTERM', () => void pub.stop().then(() => process.exit(0)));
