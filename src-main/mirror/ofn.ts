/**
 * The board as open data: OFN "Úřední desky" 2021-07-20 (JSON-LD), validated in tests against
 * the official JSON Schema. Only notices posted at `at` are included.
 */
import type { FeedManifest, FeedNotice } from '../shared/feed.ts';
import { offsetIso } from './when.ts';
import { contentKey, fragmentFile, keyOfParts, memoAndKey, type FragmentFile, type FragmentMemo, type KeyOf, type NoticeFragments } from './memo.ts';
import { absoluteUrl, attachmentPath, noticePath, OFN_PATH } from './paths.ts';
import type { MirrorSettings } from './settings.ts';

/**
 * The issuing department (původce): OFN has no field of its own for it, so it goes in as Dublin
 * Core's creator under its full IRI (JSON-LD keeps full-IRI keys without a context entry; the
 * schema allows further properties). Plain-JSON readers find it under this one key.
 */
export const CREATOR_KEY = 'http://purl.org/dc/terms/creator';
const FOAF_NAME = 'http://xmlns.com/foaf/0.1/name';

export const OFN_CONTEXT = 'https://ofn.gov.cz/úřední-desky/2021-07-20/kontexty/úřední-deska.jsonld';
const PDF_MEDIA_TYPE = 'http://www.iana.org/assignments/media-types/application/pdf';

type Instant = { typ: 'Časový okamžik'; datum_a_čas: string } | { typ: 'Časový okamžik'; nespecifikovaný: true };

function instant(iso: string | null, timeZone: string): Instant {
  if (iso === null) return { typ: 'Časový okamžik', nespecifikovaný: true };
  return { typ: 'Časový okamžik', datum_a_čas: offsetIso(Date.parse(iso), timeZone) };
}

function informace(board: FeedManifest['board'], n: FeedNotice): Record<string, unknown> {
  const url = absoluteUrl(board, noticePath(n.id));
  const item: Record<string, unknown> = {
    typ: ['Digitální objekt', 'Informace na úřední desce'],
    iri: `${url}#informace`,
    url,
    název: { cs: n.title },
  };
  if (n.description.trim()) item.popis = { cs: n.description };
  item.vyvěšení = instant(n.postAt, board.timeZone);
  // Approved for posting: the instant the notice was published (after the approver's consent where the board needs one).
  item.schválení = instant(n.publishedAt, board.timeZone);
  item.relevantní_do = instant(n.removeAt, board.timeZone);
  if (n.referenceNumber.trim()) item.číslo_jednací = n.referenceNumber;
  if (n.fileMark.trim()) item.spisová_značka = n.fileMark;
  item.revize = String(n.revision);
  if (n.category.trim()) item.agenda = [{ typ: 'Agenda', název: { cs: n.category } }];
  // The notice type (its legal kind, e.g. a § 25 public decree) is an agenda too: OFN has no
  // field of its own for it, and "agenda" is the schema's "kategorie, správní činnost".
  if (n.typeName && n.type !== undefined && n.type !== 'general') {
    item.agenda = [...((item.agenda as unknown[] | undefined) ?? []), { typ: 'Agenda', název: { cs: n.typeName } }];
  }
  if (n.department.trim()) item[CREATOR_KEY] = { '@type': 'http://xmlns.com/foaf/0.1/Organization', [FOAF_NAME]: { '@value': n.department, '@language': 'cs' } };
  if (n.attachments.length > 0) {
    item.dokument = n.attachments.map((a) => ({
      typ: 'Digitální objekt',
      název: { cs: a.name },
      url: absoluteUrl(board, attachmentPath(a.sha256)),
      typ_média: PDF_MEDIA_TYPE,
    }));
  }
  return item;
}

const COMMA = Buffer.from(',');
const END = Buffer.from(']}\n');

/** JSON as the mirror writes it: "<" as \u003c (the same JSON, but never mistaken for markup if sniffed or embedded). */
function jsonText(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/**
 * The OFN file of the board as it stands at instant `at` (ms), as the mirror writes it
 * (OFN_PATH): compact JSON, "<" written \u003c, one line. Each notice's item is kept in `memo`
 * under `keyOf(n)` (memo.ts; a notice the caller has no key for is keyed by its content) and
 * joined; without a memo every item is rendered (a fresh memo: the same code either way). The
 * content is joined when first read; `key` names the board, the document's head (settings) and
 * the posted notices' keys (memo.ts FragmentFile).
 */
export function ofnFile(manifest: FeedManifest, at: number, settings: MirrorSettings = {}, memo?: FragmentMemo, keyOf?: KeyOf): FragmentFile & { pieces(): Uint8Array[] } {
  const { board } = manifest;
  const use = memoAndKey(memo, keyOf);
  const boardText = use.memo.bindBoard(board);
  const kept: { n: FeedNotice; r: NoticeFragments; key: string }[] = [];
  for (const n of manifest.notices) {
    // Only notices posted at `at`; nothing is kept of the others (build.ts has no key for them).
    const key = use.keyOf(n);
    const r = use.memo.postedFragments(key, n, at);
    if (r !== null) kept.push({ n, r, key: key ?? contentKey(n) });
  }
  const head = ofnHead(board, settings);
  const pieces = (): Uint8Array[] => ofnPieces(head, kept.map(({ n, r }) => (r.ofn ??= ofnItem(board, n))));
  const file = fragmentFile(OFN_PATH, use.keyed ? () => keyOfParts(['ofn', boardText, head.toString('utf8'), ...kept.map((k) => k.key)]) : null, { bytes: () => Buffer.concat(pieces()) });
  // The bytes in pieces, for a writer that writes them as they are (the mirror's fast path: no 16 MB join).
  return Object.assign(file, { pieces });
}

/** The OFN file's bytes up to its first item: the document's members but the last, and `"informace":[`. */
export function ofnHead(board: FeedManifest['board'], settings: MirrorSettings): Buffer {
  const location = settings.opendata?.location;
  const head = jsonText({
    '@context': OFN_CONTEXT,
    typ: 'Úřední deska',
    iri: `${absoluteUrl(board, OFN_PATH)}#uredni-deska`,
    stránka: absoluteUrl(board, ''),
    název: { cs: `Úřední deska – ${board.name}` },
    provozovatel: { typ: 'Osoba', ičo: board.ico },
    ...(location ? { umístění: { typ: 'Umístění', název: { cs: location } } } : {}),
  });
  // The document's last member, its items joined as JSON.stringify would join them.
  return Buffer.from(`${head.slice(0, -1)},"informace":[`, 'utf8');
}

/** One notice's `informace` item as the OFN file holds it (compact JSON, "<" as \u003c), in UTF-8. */
export function ofnItem(board: FeedManifest['board'], n: FeedNotice): Uint8Array {
  return Buffer.from(jsonText(informace(board, n)), 'utf8');
}

/** The OFN file in pieces: its head (ofnHead), the items (ofnItem) with commas between, the end. */
export function ofnPieces(head: Uint8Array, items: readonly Uint8Array[]): Uint8Array[] {
  return [head, ...commaJoined(items), END];
}

/** Items (or runs of items already joined) in pieces, with commas between, as the OFN file's body has them. */
export function commaJoined(items: readonly Uint8Array[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(items[i]!);
  }
  return parts;
}

/** ofnFile's content as text: exactly the bytes of the mirror's OFN file, decoded (ofnFile(…).bytes are the bytes). */
export function ofnText(manifest: FeedManifest, at: number, settings: MirrorSettings = {}, memo?: FragmentMemo, keyOf?: KeyOf): string {
  return ofnFile(manifest, at, settings, memo, keyOf).content;
}

/** The OFN document of the board as it stands at instant `at` (ms): the file ofnText writes, parsed. */
export function toOfn(manifest: FeedManifest, at: number, settings: MirrorSettings = {}): Record<string, unknown> {
  return JSON.parse(ofnText(manifest, at, settings)) as Record<string, unknown>;
}
