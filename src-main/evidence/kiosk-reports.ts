/**
 * Accepting a kiosk's report (what it applied, what its screen showed, its outages) as
 * evidence. The feed route authenticates the kiosk; this decides whether the report is
 * acceptable. A report is checked whole before anything is written: one bad value refuses
 * the report with a 4xx and stores nothing, so evidence is never a mix of checked and
 * unchecked claims.
 *
 * Tolerances, and why:
 * - CLOCK_SKEW_MS (5 s): instants are the kiosk's clock; a kiosk whose clock is ahead of the
 *   publisher's by more than that is warned about on its side and its report is refused here,
 *   since a sighting "in the future" proves nothing.
 * - Posting: no tolerance. A kiosk posts on its own clock at postAt, so an honest first
 *   sighting is never before postAt.
 * - Removal: REMOVAL_TOLERANCE_MS (5 s). A kiosk knows the removal instant in advance and
 *   removes on its own clock; 5 s covers the last heartbeat tick and rounding.
 * - Withdrawal: WITHDRAWAL_TOLERANCE_MS (10 min). A kiosk learns of a withdrawal only from its
 *   feed: by push within seconds, by polling within its poll interval (60 s by default); ten
 *   minutes covers a few missed polls. A kiosk cut off for longer is in a "stale" outage, and
 *   what it showed then is not evidence of the board.
 */
import type { Clock } from '../schedule/clock.ts';
import type { KioskOutage, KioskReport, OutageReason } from '../shared/feed.ts';
import type { Notice } from '../shared/domain.ts';
import { DomainError } from '../store/notices.ts';
import type { Store } from '../store/store.ts';
import { parseUtcInstant } from './instants.ts';

/** Who sent the report, as established by the feed route from the token. */
export interface ReportSender {
  kioskId: string;
  boardId: string;
}

export const CLOCK_SKEW_MS = 5_000;
export const REMOVAL_TOLERANCE_MS = 5_000;
export const WITHDRAWAL_TOLERANCE_MS = 10 * 60_000;

const KIOSK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const OUTAGE_REASONS: readonly OutageReason[] = ['screen-off', 'kiosk-down', 'ui-disconnected', 'stale'];
const MAX_SIGHTINGS = 10_000;
const MAX_OUTAGES = 10_000;
const MAX_TEXT = 2_000;

function refuse(message: string, status = 422, code = 'bad_report'): DomainError {
  return new DomainError(code, message, status);
}

/** The report, checked whole; throws a 4xx DomainError on the first thing wrong with it. */
function validate(store: Store, now: number, sender: ReportSender, body: unknown): KioskReport {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw refuse('Hlášení kiosku musí být objekt JSON.', 400);
  const r = body as Record<string, unknown>;
  if (typeof r.kioskId !== 'string' || !KIOSK_ID.test(r.kioskId)) {
    throw refuse('Hlášení nemá platný identifikátor kiosku (kioskId: malá písmena, číslice a pomlčky).', 400);
  }
  if (r.kioskId !== sender.kioskId) {
    throw refuse(`Tento token patří kiosku ${sender.kioskId || '(žádnému)'}, hlášení je za kiosek ${r.kioskId}. Kiosek smí hlásit jen sám za sebe.`, 403, 'forbidden');
  }
  if (r.board !== sender.boardId) {
    throw refuse(`Hlášení je za desku ${JSON.stringify(r.board)}, ale bylo posláno na desku ${sender.boardId}. Zkontrolujte „board“ v profilu kiosku.`, 403, 'forbidden');
  }
  if (!store.board(sender.boardId)) throw refuse(`Deska ${sender.boardId} neexistuje.`, 404, 'not_found');
  if (!Array.isArray(r.sightings)) throw refuse('Hlášení nemá seznam zobrazení (sightings).', 400);
  if (r.sightings.length > MAX_SIGHTINGS) throw refuse(`Hlášení má víc než ${MAX_SIGHTINGS} zobrazení.`, 413, 'too_large');
  if (r.outages !== undefined && !Array.isArray(r.outages)) throw refuse('Výpadky (outages) musí být seznam.', 400);
  if (Array.isArray(r.outages) && r.outages.length > MAX_OUTAGES) throw refuse(`Hlášení má víc než ${MAX_OUTAGES} výpadků.`, 413, 'too_large');

  const latest = now + CLOCK_SKEW_MS;
  /** A strict UTC instant not in the future; `what` names it in the message. */
  const instant = (v: unknown, what: string): number => {
    const ms = parseUtcInstant(v);
    if (ms === null) throw refuse(`${what}: ${JSON.stringify(v)} není okamžik ve formátu ISO 8601 v UTC (např. 2026-11-21T08:00:00.000Z).`);
    if (ms > latest) {
      throw refuse(`${what}: ${String(v)} je v budoucnosti podle hodin vydavatele (${new Date(now).toISOString()}). Seřiďte hodiny kiosku.`);
    }
    return ms;
  };
  const optionalInstant = (v: unknown, what: string): number | null => (v === null ? null : instant(v, what));

  if (r.appliedSeq !== null && !(Number.isSafeInteger(r.appliedSeq) && (r.appliedSeq as number) >= 0)) {
    throw refuse('appliedSeq musí být nezáporné celé číslo nebo null.', 400);
  }
  optionalInstant(r.appliedAt ?? null, 'appliedAt');
  if (r.lastError !== null && r.lastError !== undefined && (typeof r.lastError !== 'string' || r.lastError.length > MAX_TEXT)) {
    throw refuse(`lastError musí být text do ${MAX_TEXT} znaků nebo null.`, 400);
  }
  if (r.sentAt !== undefined) instant(r.sentAt, 'sentAt');
  if (r.clockOffsetMs !== undefined && r.clockOffsetMs !== null && !(Number.isSafeInteger(r.clockOffsetMs) && Math.abs(r.clockOffsetMs as number) <= 10 * 365 * 86_400_000)) {
    throw refuse('clockOffsetMs musí být celé číslo (ms) nebo null.', 400);
  }
  if (r.screenOn !== undefined && typeof r.screenOn !== 'boolean') throw refuse('screenOn musí být true nebo false.', 400);
  if (r.version !== undefined && (typeof r.version !== 'string' || r.version.length > 100)) throw refuse('version musí být text do 100 znaků.', 400);

  const notices = new Map<string, Notice | null>();
  r.sightings.forEach((s: unknown, i) => {
    const at = `Zobrazení č. ${i + 1}`;
    if (s === null || typeof s !== 'object') throw refuse(`${at} není objekt.`, 400);
    const x = s as Record<string, unknown>;
    if (typeof x.noticeId !== 'string') throw refuse(`${at} nemá noticeId.`, 400);
    if (!notices.has(x.noticeId)) notices.set(x.noticeId, store.notices.get(x.noticeId));
    const n = notices.get(x.noticeId);
    const what = `${at} (oznámení ${x.noticeId})`;
    if (!n || n.boardId !== sender.boardId) throw refuse(`${what}: takové oznámení na desce ${sender.boardId} není.`);
    const postAt = parseUtcInstant(n.postAt);
    if (n.publishedAt === null || postAt === null) throw refuse(`${what}: oznámení nebylo zveřejněno, kiosek je nemohl zobrazit.`);
    const first = instant(x.firstShownAt, `${what}, firstShownAt`);
    const last = instant(x.lastShownAt, `${what}, lastShownAt`);
    const gone = optionalInstant(x.goneAt ?? null, `${what}, goneAt`);
    if (first < postAt) throw refuse(`${what}: první zobrazení ${String(x.firstShownAt)} je před vyvěšením ${n.postAt}.`);
    if (last < first) throw refuse(`${what}: poslední zobrazení je před prvním.`);
    if (gone !== null && gone < first) throw refuse(`${what}: zmizení (goneAt) je před prvním zobrazením.`);
    const removeAt = parseUtcInstant(n.removeAt);
    const withdrawnAt = parseUtcInstant(n.withdrawnAt);
    const ends = [
      ...(removeAt === null ? [] : [{ at: removeAt + REMOVAL_TOLERANCE_MS, label: `sejmutím ${n.removeAt}` }]),
      ...(withdrawnAt === null ? [] : [{ at: withdrawnAt + WITHDRAWAL_TOLERANCE_MS, label: `stažením ${n.withdrawnAt}` }]),
    ];
    for (const end of ends) {
      if (last > end.at) throw refuse(`${what}: poslední zobrazení ${String(x.lastShownAt)} je po ${end.label}.`);
      if (gone !== null && gone > end.at) throw refuse(`${what}: zmizení ${String(x.goneAt)} je hlášeno až po ${end.label}.`);
    }
  });

  ((r.outages ?? []) as unknown[]).forEach((o: unknown, i) => {
    const at = `Výpadek č. ${i + 1}`;
    if (o === null || typeof o !== 'object') throw refuse(`${at} není objekt.`, 400);
    const x = o as Record<string, unknown>;
    if (!OUTAGE_REASONS.includes(x.reason as OutageReason)) throw refuse(`${at}: neznámý důvod ${JSON.stringify(x.reason)} (povoleno: ${OUTAGE_REASONS.join(', ')}).`, 400);
    const from = instant(x.from, `${at}, from`);
    const to = optionalInstant(x.to ?? null, `${at}, to`);
    if (to !== null && to < from) throw refuse(`${at}: konec je před začátkem.`);
  });
  return body as KioskReport;
}

/** Stores a report; throws a 4xx DomainError and stores nothing when it is not acceptable. */
export function acceptKioskReport(store: Store, clock: Clock, sender: ReportSender, body: unknown): void {
  const now = clock.now();
  const report = validate(store, now, sender, body);
  const board = sender.boardId;
  const nowIso = new Date(now).toISOString();
  const channel = `kiosk:${report.kioskId}` as const;
  store.transaction(() => {
    const before = store.evidence.kiosks(board).find((k) => k.id === report.kioskId);
    store.evidence.upsertKiosk({
      id: report.kioskId,
      boardId: board,
      appliedSeq: report.appliedSeq,
      appliedAt: report.appliedAt ?? null,
      lastReportAt: nowIso,
      lastError: report.lastError ?? null,
      clockOffsetMs: report.clockOffsetMs ?? null,
      screenOn: report.screenOn ?? null,
      version: report.version ?? null,
      sentAt: report.sentAt ?? null,
    });
    for (const s of report.sightings) store.evidence.record(s.noticeId, channel, s.firstShownAt, s.lastShownAt, s.goneAt ?? null);
    for (const o of report.outages ?? ([] as KioskOutage[])) store.evidence.recordOutage({ channel, from: o.from, to: o.to ?? null, reason: o.reason }, nowIso);
    if (before?.appliedSeq !== report.appliedSeq || before?.lastError !== (report.lastError ?? null)) {
      store.audit.append({
        at: now,
        actor: channel,
        action: 'kiosk-report',
        detail: { board, appliedSeq: report.appliedSeq, appliedAt: report.appliedAt ?? null, lastError: report.lastError ?? null },
      });
    }
  });
}
