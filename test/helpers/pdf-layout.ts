/** Every text run of a PDF with its page, position and width, read with pdf.js (legacy build for Node). */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface TextRun {
  page: number;
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
  pageWidth: number;
  pageHeight: number;
}

export async function pdfTextRuns(bytes: Uint8Array): Promise<TextRun[]> {
  const task = getDocument({ data: bytes.slice(), useSystemFonts: false });
  const pdf = await task.promise;
  const runs: TextRun[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    for (const it of (await page.getTextContent()).items) {
      if (!('str' in it)) continue;
      const t = it.transform as number[];
      runs.push({ page: i, str: it.str, x: t[4]!, y: t[5]!, width: it.width, height: it.height, pageWidth: x1 - x0, pageHeight: y1 - y0 });
    }
  }
  await task.destroy();
  return runs;
}
