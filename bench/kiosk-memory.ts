/**
 * Kiosk renderer memory in real Chromium (headless, no GPU, so canvas pixels live in the
 * renderer process): a kiosk serving a signed feed of 200 notices in four categories, ten of
 * them with a 2-page PDF, and one with a 100-page PDF.
 *
 *   - 10,000 simulated touches (pointerdown + click, as a finger gives): open a notice and go
 *     back, switch category, switch sort, open and close the settings, switch language, page
 *     through a document. Memory after garbage collection at the warm-up (1,000 touches) and
 *     every 1,000 after: the renderer's resident memory (Pss of the renderer process, from
 *     /proc), the JS heap (CDP Performance.getMetrics) and the DOM counters (CDP Memory).
 *   - the 100-page PDF open, after 10 page turns (thumbnails strip drawn): the same figures.
 *
 *   npx vite build && node bench/kiosk-memory.ts        (BENCH_TOUCHES to change the count;
 *                                                       BENCH_NO_PDF=1: no small PDFs among the notices;
 *                                                       BENCH_MIX=browse: touches that open no notice;
 *                                                       BENCH_NO_QR=1: notices without a QR code)
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

interface Sample {
  touches: number;
  rendererMB: number;
  heapMB: number;
  nodes: number;
  listeners: number;
}

async function sample(page: Page, cdp: CDPSession, touches: number): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(300);
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const dom = await cdp.send('Memory.getDOMCounters');
  // The page's renderer: the largest renderer process (the other, if any, is an idle spare).
  const pss = Math.max(0, ...rendererPss().map((r) => r.pss));
  return { touches, rendererMB: pss / MB, heapMB: heap / MB, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

/** `count` touches inside the page, each a pointerdown and a click on a control a visitor would use. */
async function touch(page: Page, from: number, count: number): Promise<void> {
  await page.evaluate(
    async ([from, count, mix]) => {
      const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
      const tap = async (el: Element | null | undefined): Promise<void> => {
        if (!(el instanceof HTMLElement)) return;
        el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch', isPrimary: true }));
        el.click();
        await flush();
      };
      const q = (sel: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(sel)];
      for (let i = from; i < from + count; i++) {
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
        // BENCH_MIX=browse: no notice is opened (categories, sort, settings, language, scrolling only).
        switch (mix === 'browse' && i % 8 < 3 ? 7 : i % 8) {
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
    },
    [from, count, process.env.BENCH_MIX ?? 'all'] as const,
  );
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
const browser = await launchBrowser();
try {
  await waitFor(() => k.replica!.applied()?.seq === 1 && k.replica!.missingFiles().length === 0, 'snapshot and PDFs', 120_000);
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(k.url);
  await page.getByTestId('notice-item').first().waitFor();
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
  console.log(`| touches | renderer Pss (MB) | JS heap (MB) | DOM nodes | JS listeners |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: |`);
  for (const s of samples) console.log(`| ${s.touches} | ${s.rendererMB.toFixed(1)} | ${s.heapMB.toFixed(1)} | ${s.nodes} | ${s.listeners} |`);
  // Is the growth held in caches Chromium gives back under memory pressure, or lost for good?
  await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
  await page.waitForTimeout(2000);
  const pressed = await sample(page, cdp, TOUCHES);
  console.log(`after a critical memory-pressure notification: renderer Pss ${pressed.rendererMB.toFixed(1)} MB, JS heap ${pressed.heapMB.toFixed(1)} MB`);
  console.log(`${TOUCHES} touches in ${seconds.toFixed(0)} s; growth after warm-up (${WARMUP} → ${TOUCHES}): renderer ${growth(warm.rendererMB, last.rendererMB)}, JS heap ${growth(warm.heapMB, last.heapMB)}, DOM nodes ${growth(warm.nodes, last.nodes)}`);

  // The 100-page PDF open, after 10 page turns.
  await page.evaluate(() => {
    const back = document.querySelector<HTMLElement>('[data-testid="back"], [data-testid="home"]');
    back?.click();
    document.querySelector<HTMLElement>('[data-testid="category"][data-category=""]')?.click();
    document.querySelector<HTMLElement>('[data-testid="sort-newest"]')?.click();
  });
  await page.getByTestId('list-scroller').evaluate((el) => (el.scrollTop = 0));
  await page.locator('[data-notice-id="big"]').click();
  await page.getByTestId('page-of').waitFor();
  for (let i = 0; i < 10; i++) await page.getByTestId('next-page').click();
  await waitFor(async () => (await page.getByTestId('pdf-page').getAttribute('data-page')) === '11', 'page 11');
  await page.waitForTimeout(1500);
  const pdf = await sample(page, cdp, TOUCHES);
  console.log(`100-page PDF open after 10 page turns: renderer Pss ${pdf.rendererMB.toFixed(1)} MB, JS heap ${pdf.heapMB.toFixed(1)} MB, ${pdf.nodes} DOM nodes`);
  console.log(`chromium ${execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()}`);
  await ctx.close();
} finally {
  await browser.close();
  await k.stop();
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
}
