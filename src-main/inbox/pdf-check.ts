/** Worker entry (runInWorker): every PDF of a package checked by content, as the API checks uploads. */
import { readFile } from 'node:fs/promises';
import { checkPdf } from '../publisher/uploads.ts';
import type { Problem } from './metadata.ts';

/** The problems of the files that are not readable, unencrypted PDFs with pages (empty when all are). */
export async function checkPackagePdfs(files: { name: string; path: string }[]): Promise<Problem[]> {
  const out: Problem[] = [];
  for (const f of files) {
    const refusal = await checkPdf(f.name, await readFile(f.path));
    if (refusal) {
      out.push({
        file: f.name,
        problem: refusal.code === 'encrypted_pdf' ? 'PDF je zašifrované nebo chráněné heslem' : 'soubor není čitelný dokument PDF (poškozený, useknutý, nebo jiný formát s příponou .pdf)',
        expected: 'nezašifrovaný dokument PDF s aspoň jednou stránkou',
      });
    }
  }
  return out;
}
