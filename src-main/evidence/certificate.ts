/**
 * Certificate of posting and removal ("potvrzení o vyvěšení a sejmutí"): an A4 PDF built only
 * from recorded evidence (audit log, channel sightings, attachment hashes). Where a channel has
 * no record the certificate says so ("nezaznamenáno"); nothing is inferred or filled in.
 */
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { charWidths, drawable, embedDejaVu, wrapText } from '../pdf/text.ts';
import { parseUtcInstant } from './instants.ts';
import type { AuditAction, AuditEvent, Board, ChannelSighting, Notice } from '../shared/domain.ts';
import type { ChannelOutage } from '../store/evidence.ts';
import { formatWall, toOffsetIso } from '../shared/zone.ts';
import { describeChange, type NoticeRevision } from '../shared/revisions.ts';

export interface CertificateInput {
  board: Board;
  notice: Notice;
  events: AuditEvent[];
  sightings: ChannelSighting[];
  kiosks: { id: string; name?: string }[];
  /** Intervals in which a channel could not show the board (all channels; the certificate picks the notice's period). */
  outages?: ChannelOutage[];
  generatedAt: number;
  generatedBy: string;
  /** The notice's type and its lawful period (src-main/legal/), when the caller knows them. */
  legal?: CertificateLegal | null;
  /** Its revisions (corrections) oldest first, from store/revisions.ts; empty or absent when never corrected. */
  revisions?: NoticeRevision[];
}

/** What the certificate says about the notice type's lawful period. */
export interface CertificateLegal {
  typeName: string;
  legalBasis: string;
  /** "Datum rozhodnutí zastupitelstva (rady)" and its day, for types counted before an event. */
  eventLabel: string | null;
  eventDate: string | null;
  /** Last day of the lawful period "YYYY-MM-DD"; null for a type without a minimum. */
  lastDay: string | null;
  /** Earliest lawful removal, UTC ISO; null for a type without a minimum. */
  removeNotBefore: string | null;
}

/** "28. 12. 2026" for "2026-12-28"; anything else as given. */
function legalDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${Number(m[3])}. ${Number(m[2])}. ${m[1]}` : day;
}

/** Rows about the type and its lawful period, and whether a withdrawal ended the notice before it. */
function legalRows(input: CertificateInput): [string, string][] {
  const { legal, notice } = input;
  if (!legal) return [];
  const tz = input.board.timeZone;
  const rows: [string, string][] = [];
  if (legal.eventLabel !== null) rows.push([legal.eventLabel, legal.eventDate === null ? 'neuvedeno' : legalDay(legal.eventDate)]);
  if (legal.lastDay === null || legal.removeNotBefore === null) {
    rows.push(['Zákonná lhůta', 'typ nemá zákonnou minimální dobu vyvěšení']);
    return rows;
  }
  rows.push(['Zákonná lhůta do', `${legalDay(legal.lastDay)} včetně (sejmutí nejdříve ${instant(legal.removeNotBefore, tz)})`]);
  const withdrawn = parseUtcInstant(notice.withdrawnAt);
  const lawful = parseUtcInstant(legal.removeNotBefore);
  if (withdrawn !== null && lawful !== null && withdrawn < lawful) {
    rows.push(['Před koncem lhůty', `staženo před uplynutím zákonné lhůty; důvod: ${notice.withdrawReason ?? NOT_RECORDED}`]);
  }
  return rows;
}

const NOT_RECORDED = 'nezaznamenáno';
const NOT_CHECKED = 'nezkontrolováno';

/** Audit actions that belong on a certificate, with their Czech labels. */
const ACTION_LABELS: Partial<Record<AuditAction, string>> = {
  created: 'vytvořeno',
  edited: 'upraveno',
  published: 'zveřejněno (schváleno k vyvěšení)',
  posted: 'vyvěšeno',
  removed: 'sejmuto',
  withdrawn: 'staženo',
  corrected: 'opraveno',
  'notice-submitted': 'předloženo ke schválení',
  'notice-approved': 'schváleno druhou osobou',
  'notice-returned': 'vráceno k přepracování',
  'attachments-purged': 'soubory smazány (osobní údaje)',
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


/** One column of a block: where it starts, how wide it is, and how its text is set. */
interface Cell {
  x: number;
  lines: string[];
  font: PDFFont;
  size: number;
  color?: ReturnType<typeof rgb>;
}

/** Lowest baseline of body text: above the footer. */
const BOTTOM = MARGIN + 10;

/**
 * A top-to-bottom writer that starts a new page whenever the next line would not fit. Every
 * line it draws was wrapped to its column first, so nothing runs off the right edge, and a
 * block taller than a page continues on the next one, so nothing runs off the bottom.
 */
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
    if (this.y - height < BOTTOM) this.newPage();
  }

  /** One line that the caller knows fits (short, constant). */
  text(s: string, x: number, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb> } = {}): void {
    this.page.drawText(s, { x, y: this.y, font: opts.font ?? this.fonts.regular, size: opts.size ?? 10, color: opts.color ?? INK });
  }

  /**
   * Side-by-side cells whose lines advance together. Kept on one page when it fits on a
   * fresh one; otherwise split between pages line by line. `onBreak` runs on each new page
   * (a table repeats its header there). Each cell's lines on a page are drawn together, so
   * text extraction reads a cell in order.
   */
  block(cells: Cell[], lead: number, padTop = 0, padBottom = 0, onBreak: () => void = () => {}): void {
    const n = Math.max(0, ...cells.map((c) => c.lines.length));
    const height = n * lead + padTop + padBottom;
    if (this.y - height < BOTTOM && height <= PAGE_H - MARGIN - BOTTOM - 4 * lead) {
      this.newPage();
      onBreak();
    }
    let j = 0;
    while (j < n) {
      const fit = Math.floor((this.y - padTop - padBottom - BOTTOM) / lead);
      if (fit <= 0) {
        this.newPage();
        onBreak();
        continue;
      }
      const k = Math.min(n - j, fit);
      const top = this.y - padTop;
      for (const c of cells) {
        for (let t = j; t < j + k && t < c.lines.length; t++) {
          const line = c.lines[t]!;
          if (line !== '') this.page.drawText(line, { x: c.x, y: top - (t - j + 1) * lead + 2, font: c.font, size: c.size, color: c.color ?? INK });
        }
      }
      this.y = top - k * lead;
      j += k;
      if (j < n) {
        this.newPage();
        onBreak();
      }
    }
    this.y -= padBottom;
  }

  /** A wrapped paragraph; continues on the next page line by line. */
  paragraph(s: string, opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; indent?: number; gap?: number } = {}): void {
    const size = opts.size ?? 10;
    const font = opts.font ?? this.fonts.regular;
    const indent = opts.indent ?? 0;
    const lines = wrapText(s, font, size, CONTENT_W - indent);
    for (let i = 0; i < lines.length; i += 40) {
      this.block([{ x: MARGIN + indent, lines: lines.slice(i, i + 40), font, size, color: opts.color }], size * 1.35);
    }
    this.y -= opts.gap ?? 4;
  }

  heading(s: string): void {
    // Room for the heading and the start of its section: a heading never ends a page.
    this.ensure(110);
    this.y -= 12;
    this.paragraph(s, { font: this.fonts.bold, size: 12.5, gap: 5 });
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_W - MARGIN, y: this.y }, thickness: 0.6, color: RULE });
    this.y -= 2;
  }

  /** Label / value rows; the value wraps in its column. */
  fields(rows: [string, string][], labelWidth = 150): void {
    const size = 10;
    for (const [label, value] of rows) {
      this.block(
        [
          { x: MARGIN, lines: wrapText(label, this.fonts.bold, size, labelWidth - 8), font: this.fonts.bold, size },
          { x: MARGIN + labelWidth, lines: wrapText(value, this.fonts.regular, size, CONTENT_W - labelWidth), font: this.fonts.regular, size },
        ],
        size * 1.35,
        0,
        2,
      );
    }
  }

  /** A table whose cells wrap; the header repeats on every page the table continues on. */
  table(columns: { title: string; width: number }[], rows: string[][]): void {
    const size = 8.5;
    const lead = size * 1.3;
    const pad = 3;
    const xs = columns.reduce<number[]>((acc, c, i) => [...acc, i === 0 ? MARGIN : acc[i - 1]! + columns[i - 1]!.width], []);
    const cells = (texts: string[], font: PDFFont): Cell[] =>
      texts.map((t, i) => ({ x: xs[i]! + pad, lines: wrapText(t, font, size, columns[i]!.width - 2 * pad), font, size }));
    const rule = (thickness: number): void =>
      this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_W - MARGIN, y: this.y }, thickness, color: RULE });
    const header = (): void => {
      this.block(cells(columns.map((c) => c.title), this.fonts.bold), lead, pad, pad);
      rule(0.8);
    };
    this.ensure(lead * 3 + 4 * pad);
    header();
    for (const r of rows) {
      this.block(cells(r, this.fonts.regular), lead, pad, pad, header);
      rule(0.4);
    }
    this.y -= 6;
  }
}

const INVALID = 'neplatný údaj';

/** "21. 11. 2026 14:05:00 +01:00" in the board's zone; "neplatný údaj" for anything not an instant. */
function instant(iso: string | null, timeZone: string): string {
  if (iso === null) return NOT_RECORDED;
  const ms = parseUtcInstant(iso);
  if (ms === null) return INVALID;
  try {
    return `${formatWall(ms, timeZone, true)} ${toOffsetIso(ms, timeZone).slice(-6)}`;
  } catch {
    return `${new Date(ms).toISOString()} (UTC)`;
  }
}

/** "1 234 567 B" with a plain space as thousands separator. */
function bytes(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} B`;
}

/** Why a channel could not show the board, for the certificate. */
const OUTAGE_REASONS: Record<string, string> = {
  'screen-off': 'obrazovka vypnuta',
  'kiosk-down': 'kiosek mimo provoz',
  'ui-disconnected': 'zobrazení nereagovalo',
  stale: 'zastaralá data (bez spojení s vydavatelem)',
  unreachable: 'nedostupné',
  failed: 'nepodařilo se aktualizovat',
};

/** A channel id as a reader understands it. */
function channelLabel(id: string, kioskNames: Map<string, string | undefined>): string {
  const colon = id.indexOf(':');
  const kind = colon < 0 ? id : id.slice(0, colon);
  const rest = colon < 0 ? '' : id.slice(colon + 1);
  switch (kind) {
    case 'mirror':
      return rest ? `Webové zrcadlo, složka ${rest}` : 'Webové zrcadlo (místní složka vydavatele)';
    case 'deploy':
      return `Webové zrcadlo nasazené do ${rest}`;
    case 'web':
      return `Veřejná stránka ${rest} (ověřeno stažením)`;
    case 'kiosk': {
      const name = kioskNames.get(rest);
      return name ? `Kiosek ${name} (${rest})` : `Kiosek ${rest}`;
    }
    default:
      return id;
  }
}

const KIND_ORDER = ['mirror', 'deploy', 'web', 'kiosk'];

function kindRank(id: string): number {
  const i = KIND_ORDER.indexOf(id.split(':')[0]!);
  return i < 0 ? KIND_ORDER.length : i;
}

/** The interval in which the notice was due on the board, for picking the outages that matter. */
function duePeriod(input: CertificateInput): { from: number; to: number } | null {
  const { notice } = input;
  const from = parseUtcInstant(notice.postAt);
  if (from === null || notice.publishedAt === null) return null;
  const ends = [notice.removeAt, notice.withdrawnAt].map(parseUtcInstant).filter((x): x is number => x !== null);
  return { from, to: ends.length > 0 ? Math.min(...ends) : input.generatedAt };
}

function channelRows(input: CertificateInput): string[][] {
  const { board, notice, sightings, kiosks } = input;
  const tz = board.timeZone;
  const mine = sightings.filter((s) => s.noticeId === notice.id);
  const names = new Map(kiosks.map((k) => [k.id, k.name]));
  const ids = new Set<string>(mine.map((s) => String(s.channel)));
  for (const k of kiosks) ids.add(`kiosk:${k.id}`);
  // No mirror evidence at all: the row still stands, saying nothing was recorded.
  if (![...ids].some((id) => id === 'mirror' || id.startsWith('mirror:') || id.startsWith('deploy:'))) ids.add('mirror');
  const period = duePeriod(input);
  const outages = (input.outages ?? []).filter((o) => {
    if (period === null) return false;
    const from = parseUtcInstant(o.from);
    const to = o.to === null ? Infinity : parseUtcInstant(o.to);
    // Unreadable instants are shown (as "neplatný údaj") rather than silently dropped.
    if (from === null || to === null) return true;
    return from < period.to && to > period.from;
  });
  // A configured public URL that no probe fetched: say it was not checked, not that it was fine.
  const unprobed = board.publicUrl && ![...ids].some((id) => id.startsWith('web:')) ? `web:${board.publicUrl}` : null;
  if (unprobed) ids.add(unprobed);
  const rows: string[][] = [];
  for (const id of [...ids].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b))) {
    const records = mine.filter((s) => s.channel === id);
    if (id === unprobed) rows.push([`Veřejná stránka ${board.publicUrl}`, NOT_CHECKED, NOT_CHECKED, NOT_CHECKED]);
    else if (records.length === 0) rows.push([channelLabel(id, names), NOT_RECORDED, NOT_RECORDED, NOT_RECORDED]);
    else {
      const first = records.map((s) => s.firstShownAt).sort()[0]!;
      const last = records.map((s) => s.lastShownAt).sort().at(-1)!;
      const gone = records.map((s) => s.goneAt).filter((g): g is string => g !== null).sort().at(-1) ?? null;
      rows.push([channelLabel(id, names), instant(first, tz), instant(last, tz), instant(gone, tz)]);
    }
    for (const o of outages.filter((x) => x.channel === id).sort((a, b) => String(a.from).localeCompare(String(b.from)))) {
      rows.push([`   výpadek: ${OUTAGE_REASONS[o.reason] ?? o.reason}`, `od ${instant(o.from, tz)}`, o.to === null ? 'trvá' : `do ${instant(o.to, tz)}`, '']);
    }
  }
  return rows;
}

function eventDetail(e: AuditEvent, notice: Notice): string {
  const detail = e.detail !== null && typeof e.detail === 'object' ? e.detail : {};
  const reason = typeof detail.reason === 'string' ? detail.reason : null;
  if (e.action === 'withdrawn') return `Důvod: ${reason ?? notice.withdrawReason ?? NOT_RECORDED}`;
  if (reason) return `Důvod: ${reason}`;
  if (e.action === 'edited' && typeof detail.revision === 'number') return `revize ${detail.revision}`;
  return '';
}

/** The footer's reference, shortened with "…" so the footer fits the page. */
function footerText(title: string, rawRef: string, page: number, pages: number, font: PDFFont): string {
  const ref = drawable(rawRef, font).replace(/\s+/g, ' ');
  const tail = ` · Strana ${page} z ${pages}`;
  const full = `${title} · ${ref}${tail}`;
  if (font.widthOfTextAtSize(full, 8) <= CONTENT_W) return full;
  const w = charWidths(font, 8);
  let room = CONTENT_W - font.widthOfTextAtSize(`${title} · …${tail}`, 8);
  let cut = '';
  for (const ch of ref) {
    room -= w(ch);
    if (room < 0) break;
    cut += ch;
  }
  return `${title} · ${cut}…${tail}`;
}

/**
 * The change register: each revision with its instant, author, reason, whether the lawful period
 * restarted, what changed and the SHA-256 of its full content (store/revisions.ts).
 */
function revisionSection(l: Layout, input: CertificateInput, fonts: Fonts): void {
  const revisions = input.revisions ?? [];
  if (revisions.length === 0) return;
  const tz = input.board.timeZone;
  l.heading('Opravy oznámení (rejstřík změn)');
  l.paragraph(
    'Každá revize je uložena beze změny a zapsána do auditního logu. Otisk SHA-256 je spočten z úplného obsahu revize (všechny údaje a otisky dokumentů). „Lhůta znovu“: zákonná lhůta vyvěšení běží znovu od okamžiku opravy.',
    { size: 9, color: MUTED },
  );
  for (const r of revisions) {
    l.ensure(80);
    l.paragraph(r.revision === 1 ? 'Revize 1 (původní znění)' : `Revize ${r.revision} (oprava)`, { font: fonts.bold, gap: 0 });
    l.fields([
      ['Okamžik', instant(r.at, tz)],
      ['Kdo', r.actor],
      ...(r.revision === 1 ? [] : ([
        ['Důvod', r.reason],
        ['Lhůta', r.restartsPeriod ? `běží znovu od ${instant(r.periodStartAt, tz)}` : 'beze změny (oprava nemění lhůtu)'],
        ['Změny', r.changes.map((c) => describeChange(c, (iso) => instant(iso, tz))).join('; ') || '—'],
      ] as [string, string][])),
      ...(r.lawfulRemoveAt === null ? [] : ([['Sejmutí nejdříve', instant(r.lawfulRemoveAt, tz)]] as [string, string][])),
    ]);
    l.paragraph(`SHA-256 obsahu: ${r.contentSha256}`, { font: fonts.mono, size: 8.5, gap: 6 });
  }
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
  l.paragraph(`${board.name} · IČO ${board.ico}${board.publicUrl ? ` · úřední deska ${board.publicUrl}` : ''}`, { color: MUTED, gap: 6 });

  l.heading('Písemnost');
  l.fields([
    ['Název', notice.title],
    ['Kategorie', notice.category || '—'],
    ...(input.legal ? ([['Typ oznámení', input.legal.typeName], ['Právní základ', input.legal.legalBasis || '—']] as [string, string][]) : []),
    ['Číslo jednací', notice.referenceNumber || '—'],
    ['Spisová značka', notice.fileMark || '—'],
    ['Původce (odbor)', notice.department || '—'],
    ['Identifikátor', `${notice.id}, revize ${notice.revision}`],
    ...(notice.personalData ? ([['Osobní údaje', 'obsahuje osobní údaje: na webu bez indexace vyhledávači, soubory se po sejmutí a uplynutí lhůty uchování smažou']] as [string, string][]) : []),
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
    ...legalRows(input),
    ['Časové pásmo', tz],
  ]);

  revisionSection(l, input, fonts);

  l.heading('Zobrazení na jednotlivých kanálech');
  l.paragraph(
    'Údaje pocházejí z hlášení kanálů zaznamenaných systémem. Kanál bez záznamu je uveden jako „nezaznamenáno“, veřejná adresa, kterou systém neověřil stažením, jako „nezkontrolováno“. Pod kanálem jsou uvedeny výpadky v době vyvěšení, které kanál nahlásil („trvá“: výpadek dosud neskončil).',
    { size: 9, color: MUTED },
  );
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
    l.paragraph(`SHA-256: ${a.sha256}`, { font: fonts.mono, size: 8.5, gap: a.redacted ? 2 : 6 });
    if (a.redacted) {
      l.paragraph(`Začerněná kopie pro web: ${a.redacted.name} (${bytes(a.redacted.size)})`, { gap: 0 });
      l.paragraph(`SHA-256: ${a.redacted.sha256}`, { font: fonts.mono, size: 8.5, gap: 6 });
    }
  }
  const purge = [...input.events].reverse().find((e) => e.noticeId === notice.id && e.action === 'attachments-purged');
  if (purge) {
    const days = typeof purge.detail.retentionDays === 'number' ? purge.detail.retentionDays : null;
    l.paragraph(
      `Soubory byly smazány ${instant(purge.at, tz)} podle pravidla uchování osobních údajů${days === null ? '' : ` (${days} dní po sejmutí)`} (záznam č. ${purge.seq} v auditním logu). Kontrolní součty výše zůstávají jako doklad, co bylo vyvěšeno.`,
    );
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
    const footer = footerText(title, notice.referenceNumber || notice.id, i + 1, pages.length, fonts.regular);
    const w = fonts.regular.widthOfTextAtSize(footer, 8);
    p.drawText(footer, { x: (PAGE_W - w) / 2, y: FOOTER_Y, font: fonts.regular, size: 8, color: MUTED });
  });
  return doc.save();
}
