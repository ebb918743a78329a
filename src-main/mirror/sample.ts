/**
 * A small, realistic sample board for tests, demos and screenshots: posted, future, removed and
 * open-ended notices with PDF attachments. Not used in production paths.
 */
import { sha256Hex } from '../publication/signing.ts';
import type { AttachmentRef, Board } from '../shared/domain.ts';
import { FEED_FORMAT, type FeedAttachment, type FeedManifest, type FeedNotice } from '../shared/feed.ts';

export const SAMPLE_BOARD: Board = {
  id: 'horni-lhota',
  name: 'Obecní úřad Horní Lhota',
  ico: '00258245',
  timeZone: 'Europe/Prague',
  publicUrl: 'https://deska.horni-lhota.example/',
};

/** The instant the sample snapshot describes. */
export const SAMPLE_AT = Date.parse('2026-11-21T13:05:00.000Z');

const DAY = 86_400_000;

/** A tiny but valid one-page PDF whose text identifies it. */
export function samplePdf(label: string): Uint8Array {
  const text = label.replace(/[()\\]/g, '');
  const stream = `BT /F1 14 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

function attachment(name: string, bytes: Uint8Array): AttachmentRef {
  return { sha256: sha256Hex(bytes), name, size: bytes.length, mediaType: 'application/pdf' };
}

function notice(id: string, fields: Partial<FeedNotice> & Pick<FeedNotice, 'title' | 'postAt' | 'removeAt'>): FeedNotice {
  return {
    id,
    description: '',
    category: 'Veřejná vyhláška',
    department: 'Stavební úřad',
    referenceNumber: '',
    fileMark: '',
    revision: 1,
    attachments: [],
    publishedAt: fields.postAt,
    ...fields,
  };
}

/** The sample manifest plus the bytes of every attachment it names, by SHA-256. */
export function sampleBoard(at = SAMPLE_AT): { manifest: FeedManifest; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  /** `text`: the attachment's extracted text, named in the feed by its hash (search/feed-text.ts) and in `files` too. */
  const add = (name: string, label: string, text?: string): FeedAttachment => {
    const bytes = samplePdf(label);
    const ref: FeedAttachment = attachment(name, bytes);
    files.set(ref.sha256, bytes);
    if (text !== undefined) {
      const t = new TextEncoder().encode(text);
      ref.textSha256 = sha256Hex(t);
      ref.textSize = t.length;
      files.set(ref.textSha256, t);
    }
    return ref;
  };
  const iso = (ms: number): string => new Date(ms).toISOString();
  const notices: FeedNotice[] = [
    notice('2026-0142', {
      title: 'Veřejná vyhláška – oznámení o zahájení územního řízení: stavba „Chodník podél silnice II/128, Horní Lhota“',
      description: 'Stavební úřad oznamuje zahájení územního řízení o umístění stavby chodníku.\nDo podkladů rozhodnutí lze nahlédnout na stavebním úřadě v úředních hodinách.',
      referenceNumber: 'SÚ/1234/2026-Nov',
      fileMark: 'SÚ/88/2026',
      postAt: iso(at - 5 * DAY),
      removeAt: iso(at + 10 * DAY),
      attachments: [add('verejna-vyhlaska-chodnik.pdf', 'Verejna vyhlaska chodnik'), add('situace-stavby.pdf', 'Situace stavby')],
    }),
    notice('2026-0150', {
      title: 'Záměr obce prodat pozemek parc. č. 415/3 v k. ú. Horní Lhota',
      category: 'Záměr prodeje',
      department: 'Obecní úřad',
      description: 'Obec Horní Lhota zveřejňuje záměr prodat pozemek o výměře 312 m². Nabídky lze podávat do konce lhůty vyvěšení.',
      referenceNumber: 'OÚ/310/2026',
      postAt: iso(at - 2 * DAY),
      removeAt: iso(at + 13 * DAY),
      attachments: [add('zamer-prodeje-415-3.pdf', 'Zamer prodeje', 'Záměr prodeje pozemku. Žádost o koupi podejte písemně na podatelně obecního úřadu do konce lhůty vyvěšení.')],
    }),
    notice('2026-0151', {
      title: 'Pozvánka na 12. zasedání zastupitelstva obce',
      category: 'Zasedání zastupitelstva',
      department: 'Starosta obce',
      description: 'Zasedání se koná ve středu v 18:00 v zasedací místnosti obecního úřadu.',
      postAt: iso(at - 1 * DAY),
      removeAt: iso(at + 6 * DAY),
      attachments: [add('pozvanka-zastupitelstvo-12.pdf', 'Pozvanka')],
    }),
    notice('2026-0099', {
      title: 'Oznámení o době a místě konání voleb – do odvolání',
      category: 'Oznámení',
      department: 'Obecní úřad',
      postAt: iso(at - 40 * DAY),
      removeAt: null,
    }),
    notice('2026-0160', {
      title: 'BUDOUCÍ oznámení – nesmí se objevit',
      postAt: iso(at + 2 * DAY),
      removeAt: iso(at + 20 * DAY),
      attachments: [add('budouci-tajne.pdf', 'Budouci')],
    }),
    notice('2026-0100', {
      title: 'SEJMUTÉ oznámení – už se nesmí objevit',
      postAt: iso(at - 30 * DAY),
      removeAt: iso(at - 1),
      attachments: [add('sejmute.pdf', 'Sejmute', 'Pronájem hospody U Lípy: nabídky přijímá obecní úřad.')],
    }),
  ];
  return {
    manifest: {
      format: FEED_FORMAT,
      board: SAMPLE_BOARD,
      snapshot: { seq: 7, createdAt: iso(at), horizonUntil: iso(at + 7 * DAY), validUntil: iso(at + DAY) },
      notices,
    },
    files,
  };
}
