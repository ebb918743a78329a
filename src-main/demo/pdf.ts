/** Real PDF documents with Czech text for the demo board and tests (pdf-lib + DejaVu Sans). */
import { PDFDocument, rgb } from 'pdf-lib';
import { embedDejaVu, wrapText } from '../pdf/text.ts';

/** A paragraph that is exactly this starts a new page. */
export const PAGE_BREAK = '\f';

/**
 * An A4 document: a heading and paragraphs, wrapped, continued on new pages as needed.
 * A paragraph that is exactly PAGE_BREAK starts a new page.
 */
export async function makeDocumentPdf(heading: string, paragraphs: string[], meta: { author?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await embedDejaVu(doc, 'DejaVuSans.ttf');
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
  for (const l of wrapText(heading, font, 18, w - 2 * margin)) line(l, 18, 6);
  y -= 12;
  for (const p of paragraphs) {
    if (p === PAGE_BREAK) {
      page = doc.addPage([w, h]);
      y = h - margin;
      continue;
    }
    for (const l of wrapText(p, font, 11, w - 2 * margin)) line(l, 11, 5);
    y -= 8;
  }
  return doc.save({ useObjectStreams: false });
}
