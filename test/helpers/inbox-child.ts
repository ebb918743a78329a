/**
 * A publisher with its inbox as a separate process, for the crash test (test/integration/
 * inbox-restart.test.ts): `node test/helpers/inbox-child.ts DATA`. Prints the inbox log lines;
 * the test kills it with SIGKILL at any moment.
 */
import { startPublisher } from '../../src-main/publisher/server.ts';

const data = process.argv[2];
if (!data) throw new Error('usage: inbox-child.ts DATA');
const p = await startPublisher({ dataDir: data, port: 0, sweep: false, onLog: (l) => console.log(l) });
console.log('started');
process.once('SIGTERM', () => void p.stop().then(() => process.exit(0)));
