/**
 * Kiosk UI benchmark in real Chromium (headless, no GPU: figures are indicative of a kiosk PC
 * without GPU acceleration, and the machine's other work runs meanwhile): a kiosk serving a
 * signed feed of 500 (then 1,000) notices, one with a 100-page PDF.
 *   - cold start: page load to the first notice on screen (500 notices);
 *   - tap to the first page of the 100-page PDF drawn (pointerdown → the first frame with ink on
 *     the canvas, measured in the page), the first tap and the median of BENCH_TAPS (7) taps with
 *     a return to the list between;
 *   - renderer JS heap with the PDF open (CDP Performance.getMetrics; canvas pixels are not in it);
 *   - DOM nodes at 1,000 notices, and rAF frame times while scrolling the 1,000-notice list.
 *
 *   npx vite build && node bench/kiosk-ui.ts
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startKiosk } from '../src-main/kiosk/run.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { generateBoardKeys, makePdf, makeSnapshot, startFeedServer, waitFor, writeProfile, type NoticeSpec } from '../test/helpers/kiosk-feed.ts';

const keys = generateBoardKeys();
const at = (d: number): string => new Date(Date.now() + d * 86_400_000).toISOString();
/** Taps to the 100-page PDF's first page (BENCH_TAPS). */
const TAPS = Number(process.env.BENCH_TAPS ?? 7);
const pct = (v: number[], p: number): number => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]!;

async function run(n: number, pdfPages: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'deska-kiosk-ui-bench-'));
  const notices: NoticeSpec[] = [{ id: 'big', title: 'Územní plán – úplné znění', postAt: at(-0.01), removeAt: at(30), pdf: await makePdf('Územní plán', pdfPages) }];
  for (let i = 1; i < n; i++) notices.push({ id: `n${i}`, title: `Oznámení číslo ${i} o záměru obce`, postAt: at(-1 - i / 100), removeAt: at(5 + (i % 60)) });
  const feed = await startFeedServer(keys, makeSnapshot(keys, 1, notices, undefined, new Date().toISOString()));
  const k = await startKiosk({ profilePath: writeProfile(dir, { feed: { url: feed.url }, publicKey: keys.publicKey }), shell: 'headless', dataDir: join(dir, 'data') });
  const browser = await launchBrowser();
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1 && k.replica!.missingFiles().length === 0, 'snapshot and PDF', 120_000);
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = performance.now();
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    const coldStart = performance.now() - t0;
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    // Frame times while scrolling the list by 40 px a frame for 240 frames.
    const frames = await page.getByTestId('list-scroller').evaluate(
      (el) =>
        new Promise<number[]>((done) => {
          const out: number[] = [];
          let last = performance.now();
          const step = (t: number): void => {
            out.push(t - last);
            last = t;
            el.scrollTop += 40;
            if (out.length < 240) requestAnimationFrame(step);
            else done(out.slice(5));
          };
          requestAnimationFrame(step);
        }),
    );
    // Tap to the first page, TAPS times (back to the list between): the median is the figure.
    const taps: number[] = [];
    for (let round = 0; round < TAPS; round++) {
      if (round > 0) {
        await page.getByTestId('back').click();
        await page.getByTestId('notice-item').first().waitFor();
      }
      await page.getByTestId('list-scroller').evaluate((el) => (el.scrollTop = 0));
      // Measured in the page: from the tap's pointerdown to the first frame whose canvas has ink
      // (checked once a frame), so that Playwright's polling adds nothing.
      await page.evaluate(() => {
        const w = window as unknown as { tapMs?: number };
        delete w.tapMs;
        let t0 = 0;
        document.addEventListener('pointerdown', (e) => (t0 = e.timeStamp), { once: true, capture: true });
        const check = (): void => {
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="pdf-page"]');
          if (t0 > 0 && canvas && canvas.width > 0) {
            const d = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, Math.min(canvas.height, 400)).data;
            if (d)
              // Ink: an opaque dark pixel (a canvas not yet painted is transparent black).
              for (let i = 0; i < d.length; i += 4)
                if (d[i + 3]! > 200 && d[i]! < 100) {
                  w.tapMs = performance.now() - t0;
                  return;
                }
          }
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
      await page.locator('[data-notice-id="big"]').click();
      await waitFor(() => page.evaluate(() => (window as unknown as { tapMs?: number }).tapMs !== undefined), 'first page drawn', 60_000);
      taps.push(await page.evaluate(() => (window as unknown as { tapMs: number }).tapMs));
      await page.waitForTimeout(500);
    }
    const tapToPage = pct(taps, 50);
    for (let i = 0; i < Math.min(10, pdfPages - 1); i++) await page.getByTestId('next-page').click();
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
    await ctx.close();
    if (pdfPages > 2) console.log(`taps to page 1 (ms): ${taps.map((x) => x.toFixed(0)).join(', ')}`);
    // Frames that took longer than one and a half vsync intervals: a frame was dropped.
    const dropped = frames.filter((f) => f > 25).length;
    return { coldStart, tapToPage, firstTap: taps[0]!, heap, nodes, frameP95: pct(frames, 95), frameP50: pct(frames, 50), frameMax: Math.max(...frames), dropped, frames: frames.length };
  } finally {
    await browser.close();
    await k.stop();
    await feed.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const r500 = await run(500, 100);
console.log(`500 notices: cold start to the list ${r500.coldStart!.toFixed(0)} ms; tap to page 1 of a 100-page PDF: first ${r500.firstTap!.toFixed(0)} ms, median of ${TAPS} ${r500.tapToPage!.toFixed(0)} ms; JS heap with the PDF open (after 10 page turns) ${r500.heap!.toFixed(1)} MB`);
const r1000 = await run(1000, 2);
console.log(`1,000 notices: ${r1000.nodes} DOM nodes; rAF frame time while scrolling p50 ${r1000.frameP50!.toFixed(1)} ms, p95 ${r1000.frameP95!.toFixed(1)} ms, max ${r1000.frameMax!.toFixed(1)} ms; ${r1000.dropped} of ${r1000.frames} frames over 25 ms`);
