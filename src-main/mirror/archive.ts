/**
 * The archive of removed notices (a board setting, `"archive": true` in DATA/mirror.json; off by
 * default): notices that were posted and have left the board (their removal instant passed, or
 * they were withdrawn after posting), only those without personal data. They are published in a
 * section of their own (archiv/), each clearly marked as removed with its posting and removal
 * dates; never in the lists of current notices, their feeds, the search index, the sitemap or the
 * OFN file of current notices.
 */
import { feedNotices } from '../publication/snapshot.ts';
import type { FeedNotice } from '../shared/feed.ts';
import type { Notice } from '../shared/domain.ts';
import type { Store } from '../store/store.ts';

/** A notice that has left the board. */
export interface ArchivedNotice extends FeedNotice {
  /** When it left the board (UTC ISO): its removal instant, or when it was withdrawn if earlier. */
  removedAt: string;
  /** It was withdrawn before the end of its period. */
  withdrawn: boolean;
}

/** When a published notice left (or leaves) the board, or null while it is open-ended and not withdrawn. */
function leftAt(n: Pick<Notice, 'removeAt' | 'withdrawnAt'>): number | null {
  const times = [n.removeAt, n.withdrawnAt].filter((t): t is string => t !== null).map((t) => Date.parse(t));
  return times.length === 0 ? null : Math.min(...times);
}

/**
 * The notices of `notices` that the archive may show at `now`: published, actually posted (a
 * notice withdrawn before its posting never was), gone by `now`, and without personal data.
 * Newest removal first.
 */
export function archivable(notices: readonly Notice[], now: number, typeName: (type: string) => string | undefined = () => undefined): ArchivedNotice[] {
  const out: ArchivedNotice[] = [];
  for (const n of notices) {
    if (n.publishedAt === null || n.postAt === null || n.personalData === true) continue;
    const left = leftAt(n);
    if (left === null || left > now || left <= Date.parse(n.postAt)) continue;
    // feedNotices keeps the public fields (as the feed and the mirror see them) of a notice live at its last instant.
    const [f] = feedNotices([{ ...n, removeAt: null }], Date.parse(n.postAt) + 1, 0, typeName);
    if (!f) continue;
    out.push({ ...f, removeAt: n.removeAt, removedAt: new Date(left).toISOString(), withdrawn: n.withdrawnAt !== null && Date.parse(n.withdrawnAt) === left });
  }
  return out.sort((a, b) => Date.parse(b.removedAt) - Date.parse(a.removedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The board's archive from the store at `now`, with each notice's change register. */
export function archiveFromStore(store: Store, boardId: string, now: number): ArchivedNotice[] {
  // One lookup per type, not one query per notice: this runs on the publisher's event loop at
  // every mirror build of a board with the archive on, over every notice the board ever had.
  const typeNames = new Map<string, string | undefined>();
  const typeName = (t: string): string | undefined => {
    if (!typeNames.has(t)) typeNames.set(t, store.noticeTypes.get(boardId, t)?.name);
    return typeNames.get(t);
  };
  const list = archivable(store.notices.list(boardId), now, typeName);
  if (list.length === 0) return list;
  const registers = new Map(store.revisions.withRegisters(list).map((n) => [n.id, n.register]));
  return list.map((n) => {
    const register = registers.get(n.id);
    return register ? { ...n, register } : n;
  });
}
