/** Real PDF documents with Czech text for the demo board and tests (pdf-lib + DejaVu Sans). */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';

const require = createRequire(import.meta.url);

export const PAGE_BREAK = '\f';
let fontBytes: Buffer | null = null;

function dejaVu(): Buffer {
  fontBytes ??= readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  return fontBytes;
}

/**
 * An A4 document: a heading and paragraphs, wrapped, continued on new pages as needed.
 * A paragraph that is exactly PAGE_BREAK starts a new page.
 */
export async function makeDocumentPdf(heading: string, paragraphs: string[], meta: { author?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(dejaVu(), { subset: true });
  doc.setTitle(heading);
  doc.setLanguage('cs-CZ');
  if (meta.author) doc.setAuthor(meta.author);
  doc.setCreationDate(new Date(Date.UTC(2026, 0, 1)));
  doc.setModificationDate(new Date(Date.UTC(2026, 0, 1)));
  const [w, h] = [595.28, 841.89];
  const margin = 64;
  let page = doc.addPage([w, h]);
  let y = h - margin;
  const line = (text: string, size: number, gap: number): void => {
    if (y - size < margin) {
      page = doc.addPage([w, h]);
      y = h - margin;
    }
    page.drawText(text, { x: margin, y: y - size, size, font, color: rgb(0.1, 0.1, 0.12) });
    y -= size + gap;
  };
  for (const l of wrap(heading, font.widthOfTextAtSize.bind(font), 18, w - 2 * margin)) line(l, 18, 6);
  y -= 12;
  for (const p of paragraphs) {
    if (p === PAGE_BREAK) {
      page = doc.addPage([w, h]);
      y = h - margin;
      continue;
    }
    for (const l of wrap(p, font.widthOfTextAtSize.bind(font), 11, w - 2 * margin)) line(l, 11, 5);
    y -= 8;
  }
  return doc.save({ useObjectStreams: false });
}

function wrap(text: string, width: (t: string, size: number) => number, size: number, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/)) {
    const next = cur ? `${cur} ${word}` : word;
    if (width(next, size) > max && cur) {
      out.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}
