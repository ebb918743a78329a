/**
 * Text in PDFs made with pdf-lib: the one place that embeds our font (DejaVu Sans, complete
 * Czech glyphs, from the dejavu-fonts-ttf package) and wraps lines to a width.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

const require = createRequire(import.meta.url);

export type DejaVuFile = 'DejaVuSans.ttf' | 'DejaVuSans-Bold.ttf' | 'DejaVuSansMono.ttf';

/** Embeds a DejaVu face (subset to the glyphs used). */
export async function embedDejaVu(doc: PDFDocument, file: DejaVuFile): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const bytes = await readFile(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  return doc.embedFont(bytes, { subset: true });
}

/** Splits text into lines no wider than `width`, breaking over-long words by character. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = rest.length - 1;
        while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
