/**
 * Text of a PDF with pdf.js (legacy build, for Node). Runs in a worker thread (runInWorker, see
 * indexer.ts), which also bounds its time and heap; here the pages read and the characters kept
 * are bounded, so a 2,000-page scan or a text bomb costs no more than the limits.
 */
import { readFile } from 'node:fs/promises';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | null = null;

/**
 * pdf.js, loaded on first use inside the worker (never in the main thread: the CLI and the
 * publisher import this module's types). Its Node build announces at load that it cannot
 * polyfill DOMMatrix/Path2D (they need @napi-rs/canvas, which this project leaves out); text
 * extraction needs neither, so exactly those two lines are kept out of the log.
 */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      if (typeof a[0] === 'string' && /^Warning: Cannot polyfill `(DOMMatrix|Path2D)`/.test(a[0])) return;
      warn(...a);
    };
    try {
      return await import('pdfjs-dist/legacy/build/pdf.mjs');
    } finally {
      console.warn = warn;
    }
  })();
  return pdfjs;
}

export interface ExtractLimits {
  /** Pages read, from the first. */
  maxPages: number;
  /** Characters kept; the text is cut at this length. */
  maxChars: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxPages: 300, maxChars: 300_000 };

export interface ExtractedText {
  text: string;
  pages: number;
  truncated: boolean;
}

// Control characters (except tab and line feed) and the snippet markers the search uses.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u2028\u2029\uFEFF\uFFFE\uFFFF]/g;

/** Extracted text as it is stored: composed, no control characters, runs of blanks collapsed. */
export function cleanExtracted(text: string): string {
  return text
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}

/** The text of the PDF in `file`, page by page (worker entry point). */
export async function extractPdfText(file: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<ExtractedText> {
  const data = new Uint8Array(await readFile(file));
  const { getDocument } = await loadPdfJs();
  const task = getDocument({ data, useSystemFonts: false, disableFontFace: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    const pages = Math.min(pdf.numPages, limits.maxPages);
    let text = '';
    let truncated = pdf.numPages > pages;
    for (let i = 1; i <= pages; i++) {
      const content = await (await pdf.getPage(i)).getTextContent();
      let page = '';
      for (const it of content.items) {
        if (!('str' in it)) continue;
        page += it.str + (it.hasEOL ? '\n' : ' ');
      }
      text += `${page}\n\n`;
      if (text.length >= limits.maxChars) {
        truncated = truncated || text.length > limits.maxChars || i < pages;
        break;
      }
    }
    const clean = cleanExtracted(text);
    return { text: clean.slice(0, limits.maxChars), pages, truncated: truncated || clean.length > limits.maxChars };
  } finally {
    await task.destroy();
  }
}
