/**
 * Corrections of posted notices: revisions and the change register ("rejestr zmian"), as the
 * store, the API, the feed, the mirror, the certificate and the clerk app see them. Pure: the
 * renderer imports this file. Revision 1 is the notice as it was first posted; each correction
 * adds the next one. Instants are UTC ISO.
 */

/** The full content of a notice in one revision; its canonical JSON is hashed (contentSha256). */
export interface RevisionContent {
  title: string;
  description: string;
  category: string;
  department: string;
  referenceNumber: string;
  fileMark: string;
  type: string;
  eventDate: string | null;
  postAt: string | null;
  removeAt: string | null;
  attachments: { sha256: string; name: string; size: number }[];
}

/** One field a correction changed; `added`/`removed` (attachment names) for the attachments. */
export interface RevisionChange {
  field: keyof RevisionContent;
  from?: string | null;
  to?: string | null;
  added?: string[];
  removed?: string[];
}

/** One immutable revision of a notice (table notice_revisions, migration 012). */
export interface NoticeRevision {
  noticeId: string;
  /** 1 = as first posted; 2, 3 … the corrections. */
  revision: number;
  /** When this revision took effect (revision 1: the posting instant). */
  at: string;
  /** Who posted or corrected it (a user name or token:<name>#<id>). */
  actor: string;
  /** Why the notice was corrected; empty for revision 1. */
  reason: string;
  /** Whether the lawful posting period counts again from this revision's instant. */
  restartsPeriod: boolean;
  /** From when the lawful period counts after this revision. */
  periodStartAt: string;
  /** Earliest lawful removal after this revision; null for a type without a minimum. */
  lawfulRemoveAt: string | null;
  /** SHA-256 of the canonical JSON of `content`. */
  contentSha256: string;
  content: RevisionContent;
  /** What changed against the revision before (empty for revision 1). */
  changes: RevisionChange[];
}

/** The register as the feed, the mirror and kiosks carry it: every revision without its full content. */
export type RegisterEntry = Omit<NoticeRevision, 'noticeId' | 'content'>;

/** The answer of GET /notices/{id}/revisions. */
export interface RevisionsResponse {
  noticeId: string;
  /** Oldest first; empty while the notice was never corrected. */
  revisions: NoticeRevision[];
  /** Null unless the notice is posted now (only a posted notice is corrected). */
  preview: CorrectionPreview | null;
}

/** What a correction made now would mean for the lawful period, both ways (computed by src-main/legal/). */
export interface CorrectionPreview {
  /** The instant the preview assumes (the publisher's clock). */
  at: string;
  /** The period as it stands (no restart), and with a restart now. */
  keep: PeriodOutcome;
  restart: PeriodOutcome;
}

export interface PeriodOutcome {
  periodStartAt: string;
  /** Last day of the lawful period "YYYY-MM-DD"; null for a type without a minimum. */
  lastDay: string | null;
  /** Earliest lawful removal, UTC ISO; null without a minimum. */
  lawfulRemoveAt: string | null;
  /** The notice's removal after the correction (moved later where it would end too early), UTC ISO; null = until revoked. */
  removeAt: string | null;
}

/** The JSON `metadata` of POST /notices/{id}/revisions: changed fields, why, and whether the period restarts. */
export interface CorrectionMetadata {
  reason: string;
  restartPeriod: boolean;
  title?: string;
  description?: string;
  category?: string;
  department?: string;
  referenceNumber?: string;
  fileMark?: string;
  type?: string;
  eventDate?: string | null;
  /** ISO 8601 with offset; null = until revoked. */
  removeAt?: string | null;
  removeAttachments?: string[];
}

export const REVISION_FIELD_LABELS: Record<keyof RevisionContent, string> = {
  title: 'Název',
  description: 'Popis',
  category: 'Kategorie',
  department: 'Původce',
  referenceNumber: 'Číslo jednací',
  fileMark: 'Spisová značka',
  type: 'Typ oznámení',
  eventDate: 'Datum rozhodnutí nebo zasedání',
  postAt: 'Vyvěšení',
  removeAt: 'Sejmutí',
  attachments: 'Dokumenty',
};

function quoted(v: string | null | undefined, max = 80): string {
  if (v === null || v === undefined || v === '') return '(prázdné)';
  const s = v.replace(/\s+/g, ' ');
  return `„${s.length > max ? `${s.slice(0, max - 1)}…` : s}“`;
}

/**
 * One change as a short Czech phrase, e.g. "Název: „Stará“ → „Nová“" or "Dokumenty: přidáno
 * „oprava.pdf“". `instant` formats removal instants in the board's zone.
 */
export function describeChange(c: RevisionChange, instant: (iso: string) => string = (iso) => iso): string {
  const label = REVISION_FIELD_LABELS[c.field] ?? c.field;
  if (c.field === 'attachments') {
    const parts = [
      ...(c.added?.length ? [`přidáno ${c.added.map((n) => quoted(n)).join(', ')}`] : []),
      ...(c.removed?.length ? [`odebráno ${c.removed.map((n) => quoted(n)).join(', ')}`] : []),
    ];
    return `${label}: ${parts.join('; ') || 'změněno'}`;
  }
  if (c.field === 'description') return `${label}: text změněn`;
  const show = (v: string | null | undefined): string =>
    (c.field === 'removeAt' || c.field === 'postAt') ? (v ? instant(v) : 'do odvolání') : quoted(v);
  return `${label}: ${show(c.from)} → ${show(c.to)}`;
}
