/**
 * `node bench/certificate.ts`: how long a certificate takes for a notice whose title,
 * description and withdrawal reason each hold one unbroken word (a pasted URL) of 1,000 and of
 * 4,000 characters. Wrapping is linear in the text, so 4× the characters should cost about 4×
 * (before it was cubic: 23 s at 1,500, over 300 s at 4,000). Prints a Markdown table.
 */
import { renderCertificate, type CertificateInput } from '../src-main/evidence/certificate.ts';
import { sampleBoard, SAMPLE_AT } from '../src-main/mirror/sample.ts';

function input(chars: number): CertificateInput {
  const { manifest } = sampleBoard();
  const f = manifest.notices[0]!;
  const word = (seed: string): string => `https://example.cz/${seed}/`.padEnd(chars, 'úřední-deska-');
  return {
    board: manifest.board,
    notice: {
      ...f, boardId: manifest.board.id, title: word('nazev'), description: word('popis'), referenceNumber: word('cj'),
      withdrawnAt: '2026-11-20T10:00:00.000Z', withdrawReason: word('duvod'), createdAt: f.publishedAt, updatedAt: f.publishedAt,
    },
    events: [{ seq: 1, at: '2026-11-20T10:00:00.000Z', actor: 'jana', action: 'withdrawn', noticeId: f.id, detail: { reason: word('duvod') }, prevHash: '', hash: '' }],
    sightings: [],
    kiosks: [{ id: 'lobby' }],
    generatedAt: SAMPLE_AT,
    generatedBy: 'bench',
  };
}

/** Median render times at 1,000, 4,000 and 16,000 characters, as a Markdown section. */
export async function certificateTimes(): Promise<string> {
  await renderCertificate(input(100)); // warm up: font loading, JIT
  const rows: string[] = [];
  for (const chars of [1000, 4000, 16000]) {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      size = (await renderCertificate(input(chars))).byteLength;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${chars.toLocaleString('en')} chars ×4 fields | ${Math.round(times[2]!)} ms | ${Math.round(size / 1024)} |`);
  }
  return `## Certificate with long unbroken words

Title, description, reference number and withdrawal reason each hold one unbroken word (a pasted
URL). Wrapping is linear, so 4× the characters costs about 4× (before: 23 s at 1,500 characters,
over 300 s at 4,000, all of it on the publisher's event loop; now it also runs in a worker thread).

| unbroken word | render (median of 5) | PDF KB |
| --- | --- | --- |
${rows.join('\n')}

Command: \`node bench/certificate.ts\` (or \`npm run bench\`).
`;
}

if (import.meta.main) console.log(await certificateTimes());
