/** The one place the kiosk UI touches pdf.js: load a PDF, render one page to a canvas with its text layer. */
import { getDocument, GlobalWorkerOptions, PDFWorker, TextLayer, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * One pdf.js worker for the kiosk's lifetime, started while the visitor still reads the list
 * (warmPdf), so that a tap on a notice does not wait for the worker's code to load.
 */
let worker: PDFWorker | null = null;
export function warmPdf(): void {
  worker ??= new PDFWorker();
}

export async function loadPdf(url: string): Promise<PDFDocumentProxy> {
  warmPdf();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  return getDocument({ data, isOffscreenCanvasSupported: true, worker: worker ?? undefined }).promise;
}

/**
 * Renders page `pageNumber` into `canvas` at `cssWidth` CSS pixels wide (sharp on HiDPI), and
 * its text into `textLayer` (transparent spans over the canvas: what speech and screen readers
 * read). Returns the page's text and a cancel function for a re-render that overtakes it.
 */
export function renderPage(
  doc: PDFDocumentProxy,
  pageNumber: number,
  canvas: HTMLCanvasElement,
  cssWidth: number,
  textLayer: HTMLElement | null,
): { done: Promise<string>; cancel(): void } {
  let cancelled = false;
  let cancelTask: (() => void) | null = null;
  const done = (async (): Promise<string> => {
    const page = await doc.getPage(pageNumber);
    if (cancelled) return '';
    const base = page.getViewport({ scale: 1 });
    const ratio = window.devicePixelRatio || 1;
    const cssScale = cssWidth / base.width;
    const viewport = page.getViewport({ scale: cssScale * ratio });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
    // The previous page's text goes with its pixels.
    textLayer?.replaceChildren();
    const task = page.render({ canvas, viewport, background: '#ffffff' });
    cancelTask = () => task.cancel();
    // The page's pixels first: the text is extracted after them (pdf.js's worker does one thing
    // at a time, and the visitor waits for the page, not for its text).
    try {
      await task.promise;
    } catch (e) {
      if (!cancelled) throw e;
      return '';
    }
    if (cancelled) return '';
    const text = await page.getTextContent();
    if (cancelled) return '';
    if (textLayer) {
      textLayer.style.setProperty('--total-scale-factor', String(cssScale));
      textLayer.style.setProperty('--scale-factor', String(cssScale));
      const layer = new TextLayer({ textContentSource: text, container: textLayer, viewport: page.getViewport({ scale: cssScale }) });
      cancelTask = () => layer.cancel();
      try {
        await layer.render();
      } catch (e) {
        if (!cancelled) throw e;
      }
    }
    return text.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join('');
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      cancelTask?.();
    },
  };
}

/**
 * Renders a page small (a thumbnail), `cssWidth` CSS pixels wide, without its text. Returns a
 * cancel function (the thumbnail scrolled away before it was drawn).
 */
export function renderThumbnail(doc: PDFDocumentProxy, pageNumber: number, canvas: HTMLCanvasElement, cssWidth: number): { done: Promise<void>; cancel(): void } {
  let cancelled = false;
  let cancelTask: (() => void) | null = null;
  const done = (async (): Promise<void> => {
    const page = await doc.getPage(pageNumber);
    if (cancelled) return;
    const base = page.getViewport({ scale: 1 });
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    const task = page.render({ canvas, viewport, background: '#ffffff' });
    cancelTask = () => task.cancel();
    try {
      await task.promise;
    } catch (e) {
      if (!cancelled) throw e;
    }
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      cancelTask?.();
    },
  };
}

/** Gives a canvas's pixel memory back (a 0×0 canvas holds none) and empties its text layer (pdf.js's spans). */
export function releaseCanvas(canvas: HTMLCanvasElement | undefined, textLayer?: HTMLElement): void {
  textLayer?.replaceChildren();
  if (!canvas) return;
  canvas.width = 0;
  canvas.height = 0;
}
