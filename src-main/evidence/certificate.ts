/**
 * Certificate of posting and removal ("potvrzení o vyvěšení a sejmutí"): an A4 PDF built only
 * from recorded evidence (audit log, channel sightings, attachment hashes). Where a channel has
 * no record the certificate says so ("nezaznamenáno"); nothing is inferred or filled in.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedDejaVu, wrapText } from '../pdf/text.ts';
import type { AuditAction, AuditEvent, Board, ChannelSighting, Notice } from '../shared/domain.ts';
import { formatWall, toOffsetIso } from '../shared/zone.ts';

export interface CertificateInput {
  board: Board;
  notice: Notice;
  events: AuditEvent[];
  sightings: ChannelSighting[];
  kiosks: { id: string; name?: string }[];
  generatedAt: number;
  generatedBy: string;
}

const NOT_RECORDED = 'nezaznamenáno';

/** Audit actions that belong on a certificate, with their Czech labels. */
const ACTION_LABELS: Partial<Record<AuditAction, string>> = {
  created: 'vytvořeno',
  edited: 'upraveno',
  published: 'zveřejněno (schváleno k vyvěšení)',
  posted: 'vyvěšeno',
  removed: 'sejmuto',
  withdrawn: 'staženo',
};

// A4 in PDF points.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 50;
const FOOTER_Y = 30;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.35, 0.35, 0.35);
const RULE = rgb(0.7, 0.7, 0.7);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}


/** A top-to-bottom writer that starts a new page whenever the next block would not fit. */
class Layout {
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  page!: PDFPage;
  y = 0;

  constructor(doc: PDFDocument, fonts: Fonts) {
    this.doc = doc;
    this.fonts = fonts;
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE_W, PAGE_H]);
    this.y = PAGE_H - MARGIN;
  }

  ensure(height: number): void {
    if (this.y - height < MARGIN + 10) this.newPage();
  }

  text(s: string, x: number, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb> } = {}): void {
    this.page.drawText(s, { x, y: this.y, font: opts.font ?? this.fonts.regular, size: opts.size ?? 10, color: opts.color ?? INK });
  }

  /** A wrapped paragraph; continues on the next page line by line. */
  paragraph(s: string, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; indent?: number; gap?: number } = {}): void {
    const size = opts.size ?? 10;
    const font = opts.font ?? this.fonts.regular;
    const indent = opts.indent ?? 0;
    const lead = size * 1.35;
    for (const line of wrapText(s, font, size, CONTENT_W - indent)) {
      this.ensure(lead);
      this.y -= lead;
      this.text(line, MARGIN + indent, { font, size, color: opts.color });
    }
    this.y -= opts.gap ?? 4;
  }

  heading(s: string): void {
    this.ensure(40);
    this.y -= 12;
    this.paragraph(s, { font: this.fonts.bold, size: 12.5, gap: 5 });
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_W - MARGIN, y: this.y }, thickness: 0.6, color: RULE });
    this.y -= 2;
  }

  /** Label / value rows; the value wraps in its column. */
  fields(rows: [string, string][], labelWidth = 150): void {
    const size = 10;
    const lead = size * 1.35;
    for (const [label, value] of rows) {
      const labelLines = wrapText(label, this.fonts.bold, size, labelWidth - 8);
      const valueLines = wrapText(value, this.fonts.regular, size, CONTENT_W - labelWidth);
      const n = Math.max(labelLines.length, valueLines.length);
      for (let i = 0; i < n; i++) {
        this.ensure(lead);
        this.y -= lead;
        if (labelLines[i]) this.text(labelLines[i]!, MARGIN, { font: this.fonts.bold, size });
        if (valueLines[i]) this.text(valueLines[i]!, MARGIN + labelWidth, { size });
      }
      this.y -= 2;
    }
  }

  /** A table whose cells wrap; the header repeats when a row starts on a new page. */
  table(columns: { title: string; width: number }[], rows: string[][]): void {
    const size = 8.5;
    const lead = size * 1.3;
    const pad = 3;
    const xs = columns.reduce<number[]>((acc, c, i) => [...acc, i === 0 ? MARGIN : acc[i - 1]! + columns[i - 1]!.width], []);
    const drawRow = (cells: string[], font: PDFFont): void => {
      const wrapped = cells.map((c, i) => wrapText(c, font, size, columns[i]!.width - 2 * pad));
      const height = Math.max(...wrapped.map((w) => w.length)) * lead + 2 * pad;
      if (this.y - height < MARGIN + 10) {
        this.newPage();
        if (font !== this.fonts.bold) drawRow(columns.map((c) => c.title), this.fonts.bold);
      }
      const top = this.y;
      wrapped.forEach((lines, i) => {
        lines.forEach((line, j) => {
          this.page.drawText(line, { x: xs[i]! + pad, y: top - pad - (j + 1) * lead + 2, font, size, color: INK });
        });
      });
      this.y = top - height;
      this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_W - MARGIN, y: this.y }, thickness: font === this.fonts.bold ? 0.8 : 0.4, color: RULE });
    };
    this.ensure(lead * 3);
    drawRow(columns.map((c) => c.title), this.fonts.bold);
    for (const r of rows) drawRow(r, this.fonts.regular);
    this.y -= 6;
  }
}

/** "21. 11. 2026 14:05:00 +01:00" in the board's zone. */
function instant(iso: string | null, timeZone: string): string {
  if (iso === null) return NOT_RECORDED;
  const ms = Date.parse(iso);
  return `${formatWall(ms, timeZone, true)} ${toOffsetIso(ms, timeZone).slice(-6)}`;
}

/** "1 234 567 B" with a plain space as thousands separator. */
function bytes(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} B`;
}

function channelRows(input: CertificateInput): string[][] {
  const { board, notice, sightings, kiosks } = input;
  const mine = sightings.filter((s) => s.noticeId === notice.id);
  const channels: { id: string; label: string }[] = [
    { id: 'mirror', label: `Webové zrcadlo ${board.publicUrl}` },
    ...kiosks.map((k) => ({ id: `kiosk:${k.id}`, label: k.name ? `Kiosek ${k.name} (${k.id})` : `Kiosek ${k.id}` })),
  ];
  // Sightings from a channel no longer configured are evidence too.
  for (const s of mine) {
    if (!channels.some((c) => c.id === s.channel)) channels.push({ id: s.channel, label: s.channel.startsWith('kiosk:') ? `Kiosek ${s.channel.slice(6)}` : s.channel });
  }
  return channels.map((c) => {
    const records = mine.filter((s) => s.channel === c.id);
    if (records.length === 0) return [c.label, NOT_RECORDED, NOT_RECORDED, NOT_RECORDED];
    const first = records.map((s) => s.firstShownAt).sort()[0]!;
    const last = records.map((s) => s.lastShownAt).sort().at(-1)!;
    const gone = records.map((s) => s.goneAt).filter((g): g is string => g !== null).sort().at(-1) ?? null;
    return [c.label, instant(first, board.timeZone), instant(last, board.timeZone), instant(gone, board.timeZone)];
  });
}

function eventDetail(e: AuditEvent, notice: Notice): string {
  const reason = typeof e.detail.reason === 'string' ? e.detail.reason : null;
  if (e.action === 'withdrawn') return `Důvod: ${reason ?? notice.withdrawReason ?? NOT_RECORDED}`;
  if (reason) return `Důvod: ${reason}`;
  if (e.action === 'edited' && typeof e.detail.revision === 'number') return `revize ${e.detail.revision}`;
  return '';
}

/** Renders the certificate of posting and removal as an A4 PDF. */
export async function renderCertificate(input: CertificateInput): Promise<Uint8Array> {
  const { board, notice } = input;
  const tz = board.timeZone;
  const doc = await PDFDocument.create();
  const title = 'Potvrzení o vyvěšení a sejmutí';
  doc.setTitle(`${title}: ${notice.title}`);
  doc.setAuthor(board.name);
  doc.setLanguage('cs-CZ');
  doc.setCreator('Deska');
  doc.setCreationDate(new Date(input.generatedAt));
  const fonts: Fonts = {
    regular: await embedDejaVu(doc, 'DejaVuSans.ttf'),
    bold: await embedDejaVu(doc, 'DejaVuSans-Bold.ttf'),
    mono: await embedDejaVu(doc, 'DejaVuSansMono.ttf'),
  };
  const l = new Layout(doc, fonts);

  l.paragraph(title, { font: fonts.bold, size: 18, gap: 2 });
  l.paragraph(`${board.name} · IČO ${board.ico} · úřední deska ${board.publicUrl}`, { color: MUTED, gap: 6 });

  l.heading('Písemnost');
  l.fields([
    ['Název', notice.title],
    ['Kategorie', notice.category || '—'],
    ['Číslo jednací', notice.referenceNumber || '—'],
    ['Spisová značka', notice.fileMark || '—'],
    ['Původce (odbor)', notice.department || '—'],
    ['Identifikátor', `${notice.id}, revize ${notice.revision}`],
  ]);
  if (notice.description.trim()) {
    l.y -= 4;
    l.paragraph('Popis', { font: fonts.bold });
    l.paragraph(notice.description);
  }

  l.heading('Plánované lhůty');
  l.fields([
    ['Vyvěšení', notice.postAt === null ? 'neurčeno' : instant(notice.postAt, tz)],
    ['Sejmutí', notice.removeAt === null ? 'do odvolání' : instant(notice.removeAt, tz)],
    ...(notice.withdrawnAt === null
      ? []
      : ([
          ['Staženo', instant(notice.withdrawnAt, tz)],
          ['Důvod stažení', notice.withdrawReason ?? NOT_RECORDED],
        ] as [string, string][])),
    ['Časové pásmo', tz],
  ]);

  l.heading('Zobrazení na jednotlivých kanálech');
  l.paragraph('Údaje pocházejí z hlášení kanálů zaznamenaných systémem. Kanál bez záznamu je uveden jako „nezaznamenáno“.', { size: 9, color: MUTED });
  l.table(
    [
      { title: 'Kanál', width: 155 },
      { title: 'Poprvé zobrazeno', width: 110 },
      { title: 'Naposledy zobrazeno', width: 110 },
      { title: 'Sejmuto (hlášeno)', width: CONTENT_W - 375 },
    ],
    channelRows(input),
  );

  l.heading('Záznamy v auditním logu');
  const events = input.events.filter((e) => e.noticeId === notice.id && ACTION_LABELS[e.action]).sort((a, b) => a.seq - b.seq);
  if (events.length === 0) l.paragraph(`Žádné záznamy: ${NOT_RECORDED}.`);
  else
    l.table(
      [
        { title: 'Č.', width: 35 },
        { title: 'Okamžik', width: 110 },
        { title: 'Událost', width: 105 },
        { title: 'Kdo', width: 95 },
        { title: 'Podrobnosti', width: CONTENT_W - 345 },
      ],
      events.map((e) => [String(e.seq), instant(e.at, tz), ACTION_LABELS[e.action]!, e.actor, eventDetail(e, notice)]),
    );

  l.heading('Dokumenty (kontrolní součty SHA-256)');
  if (notice.attachments.length === 0) l.paragraph('K písemnosti nejsou připojeny žádné dokumenty.');
  for (const a of notice.attachments) {
    l.ensure(36);
    l.paragraph(`${a.name} (${bytes(a.size)})`, { font: fonts.bold, gap: 0 });
    l.paragraph(`SHA-256: ${a.sha256}`, { font: fonts.mono, size: 8.5, gap: 6 });
  }

  l.heading('Vyhotovení');
  l.fields([
    ['Vygenerováno', instant(new Date(input.generatedAt).toISOString(), tz)],
    ['Vygeneroval', input.generatedBy],
  ]);
  l.ensure(60);
  l.y -= 36;
  l.text('Podpis a razítko: ……………………………………………', MARGIN);

  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const footer = `${title} · ${notice.referenceNumber || notice.id} · Strana ${i + 1} z ${pages.length}`;
    const w = fonts.regular.widthOfTextAtSize(footer, 8);
    p.drawText(footer, { x: (PAGE_W - w) / 2, y: FOOTER_Y, font: fonts.regular, size: 8, color: MUTED });
  });
  return doc.save();
}
