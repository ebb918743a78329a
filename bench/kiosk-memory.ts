/**
 * Kiosk renderer memory in real Chromium (headless, no GPU, so canvas pixels live in the
 * renderer process): a kiosk serving a signed feed of 200 notices in four categories, ten of
 * them with a 2-page PDF, and one with a 100-page PDF.
 *
 *   - 10,000 simulated touches (pointerdown + click, as a finger gives): open a notice and go
 *     back, switch category, switch sort, open and close the settings, switch language, page
 *     through a document. Memory after garbage collection at the warm-up (1,000 touches) and
 *     every 1,000 after: the renderer's resident memory (Pss of the renderer process, from
 *     /proc, and its anonymous part), the JS heap and the DOM counters.
 *     The touches run in a Chromium started here and driven over one bare DevTools WebSocket
 *     that enables no domain: Playwright enables Network (and Runtime, Page, …) on its pages, and
 *     DevTools' network agent keeps what it saw of every request in the renderer, which grows
 *     with every heartbeat and document fetch; a kiosk has no DevTools attached.
 *   - the 100-page PDF open, after 10 page turns (thumbnails strip drawn): the same figures
 *     (Playwright, a fresh page).
 *
 *   npx vite build && node bench/kiosk-memory.ts
 *     BENCH_TOUCHES       the count (10,000)
 *     BENCH_DRIVER=playwright  the touches in the Playwright page instead (the figures before)
 *     BENCH_NO_PDF=1      no small PDFs among the notices
 *     BENCH_NO_QR=1       notices without a QR code
 *     BENCH_MIX=browse    touches that open no notice; =open: only open a notice and go back;
 *                         =fetch: only heartbeats (POST /api/heartbeat), no tap
 *     BENCH_RAW_ENABLE=Network.enable,…  DevTools domains to enable with the bare driver
 *     BENCH_TRUSTED=1     one trusted (CDP Input) tap before the synthetic ones (bare driver)
 *     BENCH_SMAPS=1       the renderer's Pss by kind of mapping at each sample
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { startKiosk } from '../src-main/kiosk/run.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { BOARD, generateBoardKeys, makePdf, makeSnapshot, startFeedServer, waitFor, writeProfile, type NoticeSpec } from '../test/helpers/kiosk-feed.ts';

const TOUCHES = Number(process.env.BENCH_TOUCHES ?? 10_000);
const WARMUP = Math.min(1000, TOUCHES / 10);
const DRIVER = process.env.BENCH_DRIVER === 'playwright' ? 'playwright' : 'raw';
const keys = generateBoardKeys();
const at = (d: number): string => new Date(Date.now() + d * 86_400_000).toISOString();
const MB = 1024 * 1024;

/** Pss (kB → bytes) of every Chromium renderer process (a headless browser with one page has one, plus at most a spare). */
function rendererPss(): { pid: number; pss: number }[] {
  const out: { pid: number; pss: number }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes('chrom')) continue;
      const rollup = readFileSync(`/proc/${d}/smaps_rollup`, 'utf8');
      const pss = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
      out.push({ pid: Number(d), pss });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Pss (kB) of one process by kind of mapping: anonymous (malloc, PartitionAlloc, V8), shared memory (memfd, /dev/shm: tiles, bitmaps, IPC), files. */
function pssByKind(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let kind = 'anon';
  try {
    for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) {
        const name = head[1] ?? '';
        kind = name === '' || name.startsWith('[anon') ? 'anon' : name.startsWith('[heap') ? 'heap' : name.includes('memfd') || name.startsWith('/dev/shm') || name.includes('SYSV') ? 'shmem' : name.startsWith('[') ? 'other' : 'file';
        continue;
      }
      const pss = /^Pss:\s+(\d+) kB/.exec(line);
      if (pss) out[kind] = (out[kind] ?? 0) + Number(pss[1]);
    }
  } catch {
    // gone meanwhile
  }
  return out;
}

interface Sample {
  touches: number;
  rendererMB: number;
  heapMB: number;
  nodes: number;
  listeners: number;
  kinds: Record<string, number>;
}

async function sample(page: Page, cdp: CDPSession, touches: number): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(300);
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const dom = await cdp.send('Memory.getDOMCounters');
  // The page's renderer: the largest renderer process (the other, if any, is an idle spare).
  const biggest = rendererPss().sort((a, b) => b.pss - a.pss)[0];
  const kinds = biggest ? pssByKind(biggest.pid) : {};
  if (process.env.BENCH_SMAPS) {
    const hu = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number };
    const total = metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? 0;
    process.stderr.write(
      `  ${touches}: ${Object.entries(kinds).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} MB`).join(', ')}; V8 used ${(hu.usedSize / MB).toFixed(1)} / total ${(total / MB).toFixed(1)} MB, Blink (Oilpan) ${((hu.embedderHeapUsedSize ?? 0) / MB).toFixed(1)} MB, backing stores ${((hu.backingStorageSize ?? 0) / MB).toFixed(1)} MB\n`,
    );
  }
  return { touches, rendererMB: (biggest?.pss ?? 0) / MB, heapMB: heap / MB, nodes: dom.nodes, listeners: dom.jsEventListeners, kinds };
}

/** `count` touches inside the page (run in the page: no closure over this module). */
const touchInPage = async ([from, count, mix]: readonly [number, number, string]): Promise<void> => {
      const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
      const tap = async (el: Element | null | undefined): Promise<void> => {
        if (!(el instanceof HTMLElement)) return;
        el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch', isPrimary: true }));
        el.click();
        await flush();
      };
      const q = (sel: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(sel)];
      for (let i = from; i < from + count; i++) {
        if (mix === 'fetch') {
          await fetch(new URL('../api/heartbeat', location.href).href, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shown: [`n${i % 100}`], visibility: 'visible' }), cache: 'no-store' });
          continue;
        }
        const screen = document.querySelector('[data-testid="kiosk"]')?.getAttribute('data-screen');
        if (document.querySelector('[data-testid="settings"]')) {
          await tap(document.querySelector('[data-testid="settings-close"]'));
          continue;
        }
        if (screen === 'detail') {
          // Now and then a page turn first, then back to the list.
          if (i % 3 === 0 && document.querySelector('[data-testid="next-page"]:not([disabled])')) await tap(document.querySelector('[data-testid="next-page"]'));
          else await tap(document.querySelector('[data-testid="back"]'));
          continue;
        }
        // BENCH_MIX=browse: no notice is opened (categories, sort, settings, language, scrolling only);
        // BENCH_MIX=open: only notices opened (and closed).
        switch (mix === 'browse' && i % 8 < 3 ? 7 : mix === 'open' ? 0 : i % 8) {
          case 0:
          case 1:
          case 2: {
            const items = q('[data-testid="notice-item"]');
            await tap(items[i % Math.max(1, items.length)]);
            break;
          }
          case 3: {
            const chips = q('[data-testid="category"]');
            await tap(chips[i % Math.max(1, chips.length)]);
            break;
          }
          case 4:
            await tap(document.querySelector(i % 16 === 4 ? '[data-testid="sort-removal"]' : '[data-testid="sort-newest"]'));
            break;
          case 5:
            await tap(document.querySelector('[data-testid="settings-open"]'));
            break;
          case 6: {
            const langs = q('[data-testid^="lang-"]');
            await tap(langs[i % Math.max(1, langs.length)]);
            break;
          }
          default: {
            const scroller = document.querySelector('[data-testid="list-scroller"]');
            if (scroller) scroller.scrollTop = (i * 137) % Math.max(1, scroller.scrollHeight);
            await tap(scroller);
          }
        }
      }
    };

/** `count` touches inside the page, each a pointerdown and a click on a control a visitor would use. */
async function touch(page: Page, from: number, count: number): Promise<void> {
  await page.evaluate(touchInPage, [from, count, process.env.BENCH_MIX ?? 'all'] as const);
}

const dir = mkdtempSync(join(tmpdir(), 'deska-kiosk-memory-bench-'));
const categories = ['Veřejná vyhláška', 'Majetek obce', 'Zastupitelstvo', 'Stavební řízení'];
const small = await makePdf('Krátký dokument', 2);
const notices: NoticeSpec[] = [{ id: 'big', title: 'Územní plán – úplné znění', postAt: at(-0.01), removeAt: at(30), pdf: await makePdf('Územní plán', 100) }];
for (let i = 1; i < 200; i++) notices.push({ id: `n${i}`, title: `Oznámení číslo ${i} o záměru obce`, postAt: at(-1 - i / 100), removeAt: at(5 + (i % 60)), pdf: i % 20 === 0 && !process.env.BENCH_NO_PDF ? small : undefined });
const snap = makeSnapshot(keys, 1, notices, undefined, new Date().toISOString());
snap.manifest.notices.forEach((n, i) => (n.category = categories[i % categories.length]!));
// BENCH_NO_QR=1: a board without a public address, so a notice shows no QR code.
const resigned = makeSnapshot(keys, 1, [], process.env.BENCH_NO_QR ? { ...BOARD, publicUrl: '' } : undefined, new Date().toISOString());
const bytes = new TextEncoder().encode(JSON.stringify({ ...resigned.manifest, notices: snap.manifest.notices }, null, 2));
const { signBytes } = await import('../src-main/publication/signing.ts');
const feed = await startFeedServer(keys, { manifest: { ...resigned.manifest, notices: snap.manifest.notices }, bytes, signature: signBytes(bytes, keys.privatePem), files: snap.files });
const k = await startKiosk({
  profilePath: writeProfile(dir, { feed: { url: feed.url }, publicKey: keys.publicKey, languages: ['cs', 'pl', 'en', 'de'], idleTimeoutSeconds: 3600 }),
  shell: 'headless',
  dataDir: join(dir, 'data'),
});
/**
 * BENCH_DRIVER=raw: Chromium started here with a DevTools port, driven over one bare CDP
 * WebSocket that enables no domain (Playwright enables Network, Runtime, Page, … whose agents
 * observe the page): the touches run in the page by Runtime.evaluate, garbage collection and
 * counters by single commands. What a kiosk without DevTools would hold, as near as can be seen.
 */
async function rawRun(url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  const { CHROMIUM_FLAGS, CHROMIUM_PATH } = await import('../test/helpers/browser.ts');
  const profile = join(dir, 'chrome');
  const proc = spawn(CHROMIUM_PATH, [...CHROMIUM_FLAGS, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1920,1080', url], { stdio: 'ignore' });
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    await waitFor(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), 'DevTools port', 30_000);
    const port = readFileSync(portFile, 'utf8').split('\n')[0];
    let wsUrl = '';
    await waitFor(async () => {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
      wsUrl = list.find((t) => t.type === 'page' && t.url.startsWith(url.split('#')[0]!))?.webSocketDebuggerUrl ?? '';
      return wsUrl !== '';
    }, 'page target', 30_000);
    const ws = new WebSocket(wsUrl);
    await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
    let id = 0;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    };
    const send = <R,>(method: string, params: object = {}): Promise<R> =>
      new Promise<R>((resolve, reject) => {
        const n = ++id;
        pending.set(n, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    const evaluate = async (expression: string): Promise<unknown> => {
      const r = await send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.text);
      return r.result.value;
    };
    await waitFor(async () => (await evaluate(`document.querySelectorAll('[data-testid="notice-item"]').length`)) as number > 0, 'list', 30_000);
    const rawSample = async (touches: number): Promise<{ touches: number; pss: number; anon: number; heap: number; nodes: number; listeners: number }> => {
      await send('HeapProfiler.collectGarbage');
      await new Promise((r) => setTimeout(r, 300));
      const heap = (await send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
      const dom = await send<{ nodes: number; jsEventListeners: number }>('Memory.getDOMCounters');
      const biggest = rendererPss().sort((a, b) => b.pss - a.pss)[0]!;
      const kinds = pssByKind(biggest.pid);
      if (process.env.BENCH_SMAPS) process.stderr.write(`  ${touches}: ${Object.entries(kinds).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} MB`).join(', ')}\n`);
      return { touches, pss: biggest.pss, anon: (kinds.anon ?? 0) * 1024, heap, nodes: dom.nodes, listeners: dom.jsEventListeners };
    };
    // BENCH_RAW_ENABLE=Network.enable,Runtime.enable,…: turn on DevTools domains (to find which one holds memory).
    for (const m of (process.env.BENCH_RAW_ENABLE ?? '').split(',').filter(Boolean)) await send(m);
    // BENCH_TRUSTED=1: one real (trusted) tap first, on the list's count line, as a visitor's first touch
    // would be; the synthetic touches after it are untrusted events.
    if (process.env.BENCH_TRUSTED) {
      const at = (await evaluate(`(() => { const r = document.querySelector('[data-testid="count"]').getBoundingClientRect(); return [r.left + 5, r.top + r.height / 2]; })()`)) as [number, number];
      for (const type of ['mousePressed', 'mouseReleased']) await send('Input.dispatchMouseEvent', { type, x: at[0], y: at[1], button: 'left', clickCount: 1 });
    }
    const out = [await rawSample(0)];
    const t0 = performance.now();
    let done = 0;
    while (done < TOUCHES) {
      const step = done < WARMUP ? WARMUP : Math.min(1000, TOUCHES - done);
      await evaluate(`(${touchInPage.toString()})(${JSON.stringify([done, step, process.env.BENCH_MIX ?? 'all'])})`);
      done += step;
      out.push(await rawSample(done));
    }
    const warm = out.find((o) => o.touches === WARMUP)!;
    const last = out.at(-1)!;
    const growth = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)} %`;
    console.log(`bare CDP driver (no DevTools domain enabled)`);
    console.log(`| touches | renderer Pss (MB) | of it anonymous (MB) | JS heap (MB) | DOM nodes | JS listeners |`);
    console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
    for (const o of out) console.log(`| ${o.touches} | ${(o.pss / MB).toFixed(1)} | ${(o.anon / MB).toFixed(1)} | ${(o.heap / MB).toFixed(1)} | ${o.nodes} | ${o.listeners} |`);
    console.log(
      `${TOUCHES} touches in ${((performance.now() - t0) / 1000).toFixed(0)} s; growth after warm-up (${WARMUP} → ${TOUCHES}): renderer Pss ${growth(warm.pss, last.pss)}, anonymous ${growth(warm.anon, last.anon)}, JS heap ${growth(warm.heap, last.heap)}; highest Pss after warm-up ${(Math.max(...out.filter((o) => o.touches >= WARMUP).map((o) => o.pss)) / MB).toFixed(1)} MB`,
    );
    ws.close();
  } finally {
    proc.kill();
  }
}

const browser = await launchBrowser();
try {
  await waitFor(() => k.replica!.applied()?.seq === 1 && k.replica!.missingFiles().length === 0, 'snapshot and PDFs', 120_000);
  // The touches: by default with the bare CDP driver (what a kiosk without DevTools holds);
  // BENCH_DRIVER=playwright runs them in the Playwright page below instead.
  if (DRIVER === 'raw') await rawRun(k.url);
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(k.url);
  await page.getByTestId('notice-item').first().waitFor();
  if (DRIVER === 'playwright') {
    const samples: Sample[] = [await sample(page, cdp, 0)];
    let done = 0;
    const t0 = performance.now();
    while (done < TOUCHES) {
      const step = done < WARMUP ? WARMUP : Math.min(1000, TOUCHES - done);
      await touch(page, done, step);
      done += step;
      samples.push(await sample(page, cdp, done));
      process.stderr.write(`${done} touches\n`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const warm = samples.find((s) => s.touches === WARMUP)!;
    const last = samples.at(-1)!;
    const growth = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)} %`;
    console.log(`Playwright driver (Network, Runtime, Page, … domains enabled)`);
    console.log(`| touches | renderer Pss (MB) | JS heap (MB) | DOM nodes | JS listeners |`);
    console.log(`| ---: | ---: | ---: | ---: | ---: |`);
    for (const s of samples) console.log(`| ${s.touches} | ${s.rendererMB.toFixed(1)} | ${s.heapMB.toFixed(1)} | ${s.nodes} | ${s.listeners} |`);
    // Is the growth held in caches Chromium gives back under memory pressure, or lost for good?
    await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
    await page.waitForTimeout(2000);
    const pressed = await sample(page, cdp, TOUCHES);
    console.log(`after a critical memory-pressure notification: renderer Pss ${pressed.rendererMB.toFixed(1)} MB, JS heap ${pressed.heapMB.toFixed(1)} MB`);
    console.log(`${TOUCHES} touches in ${seconds.toFixed(0)} s; growth after warm-up (${WARMUP} → ${TOUCHES}): renderer ${growth(warm.rendererMB, last.rendererMB)}, JS heap ${growth(warm.heapMB, last.heapMB)}, DOM nodes ${growth(warm.nodes, last.nodes)}`);
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('[data-testid="back"], [data-testid="home"]')?.click();
      document.querySelector<HTMLElement>('[data-testid="category"][data-category=""]')?.click();
      document.querySelector<HTMLElement>('[data-testid="sort-newest"]')?.click();
    });
  }

  // The 100-page PDF open, after 10 page turns.
  await page.getByTestId('list-scroller').evaluate((el) => (el.scrollTop = 0));
  await page.locator('[data-notice-id="big"]').click();
  await page.getByTestId('page-of').waitFor();
  for (let i = 0; i < 10; i++) await page.getByTestId('next-page').click();
  await waitFor(async () => (await page.getByTestId('pdf-page').getAttribute('data-page')) === '11', 'page 11');
  await page.waitForTimeout(1500);
  const pdf = await sample(page, cdp, TOUCHES);
  console.log(
    `100-page PDF open after 10 page turns (${DRIVER === 'raw' ? 'a fresh page' : `after the ${TOUCHES} touches`}): renderer Pss ${pdf.rendererMB.toFixed(1)} MB, JS heap ${pdf.heapMB.toFixed(1)} MB, ${pdf.nodes} DOM nodes`,
  );
  console.log(`chromium ${execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()}`);
  await ctx.close();
} finally {
  await browser.close();
  await k.stop();
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
}
