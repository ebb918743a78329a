/** The one place the kiosk UI touches pdf.js: load a PDF and render pages to canvases. */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export async function loadPdf(url: string): Promise<PDFDocumentProxy> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  return getDocument({ data, isOffscreenCanvasSupported: true }).promise;
}

/**
 * Renders page `pageNumber` into `canvas` at `cssWidth` CSS pixels wide (sharp on HiDPI).
 * Returns a cancel function for a re-render that overtakes it.
 */
export function renderPage(doc: PDFDocumentProxy, pageNumber: number, canvas: HTMLCanvasElement, cssWidth: number): { done: Promise<void>; cancel(): void } {
  let cancelled = false;
  let cancelTask: (() => void) | null = null;
  const done = (async () => {
    const page = await doc.getPage(pageNumber);
    if (cancelled) return;
    const base = page.getViewport({ scale: 1 });
    const ratio = window.devicePixelRatio || 1;
    const scale = (cssWidth / base.width) * ratio;
    const viewport = page.getViewport({ scale });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
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
