/**
 * Accepting a kiosk's report (what it applied, what its screen showed, its outages) as
 * evidence. The feed route authenticates the kiosk; this decides what of the report is stored.
 */
import type { Clock } from '../schedule/clock.ts';
import type { KioskReport } from '../shared/feed.ts';
import { DomainError } from '../store/notices.ts';
import type { Store } from '../store/store.ts';

/** Who sent the report, as established by the feed route from the token. */
export interface ReportSender {
  kioskId: string;
  boardId: string;
}

const KIOSK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Stores a report; throws a 4xx DomainError and stores nothing when it is not acceptable. */
export function acceptKioskReport(store: Store, clock: Clock, sender: ReportSender, body: unknown): void {
  const report = body as KioskReport;
  if (body === null || typeof body !== 'object' || typeof report.kioskId !== 'string' || !KIOSK_ID.test(report.kioskId) || !Array.isArray(report.sightings)) {
    throw new DomainError('bad_request', 'Report needs kioskId and sightings.', 400);
  }
  if (report.kioskId !== sender.kioskId) {
    throw new DomainError('forbidden', `This token belongs to kiosk ${sender.kioskId}.`, 403);
  }
  const board = sender.boardId;
  const now = new Date(clock.now()).toISOString();
  const before = store.evidence.kiosks(board).find((k) => k.id === report.kioskId);
  store.transaction(() => {
    store.evidence.upsertKiosk({
      id: report.kioskId,
      boardId: board,
      appliedSeq: report.appliedSeq,
      appliedAt: report.appliedAt,
      lastReportAt: now,
      lastError: report.lastError,
    });
    for (const s of report.sightings) {
      if (store.notices.get(s.noticeId)?.boardId !== board) continue;
      store.evidence.record(s.noticeId, `kiosk:${report.kioskId}`, s.firstShownAt, s.lastShownAt, s.goneAt);
    }
    if (before?.appliedSeq !== report.appliedSeq || before?.lastError !== report.lastError) {
      store.audit.append({
        at: clock.now(),
        actor: `kiosk:${report.kioskId}`,
        action: 'kiosk-report',
        detail: { board, appliedSeq: report.appliedSeq, appliedAt: report.appliedAt, lastError: report.lastError },
      });
    }
  });
}
