/**
 * The manifest `deska mirror build` renders from when the board has no signed snapshot yet (a
 * data folder right after `deska init`): the same notices the snapshot worker would sign at
 * `now`, built from the store, unsigned and never saved.
 */
import { buildManifest, DEFAULT_HORIZON_MS, feedNotices } from '../publication/snapshot.ts';
import { withAttachmentTexts } from '../search/feed-text.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { Store } from '../store/store.ts';

export function manifestFromStore(store: Store, boardId: string, now: number): FeedManifest {
  const board = store.board(boardId);
  if (!board) throw new Error(`deska ${boardId} neexistuje`);
  const live = feedNotices(store.notices.live(boardId, now), now, DEFAULT_HORIZON_MS, (t) => store.noticeTypes.get(boardId, t)?.name);
  const notices = store.revisions.withRegisters(withAttachmentTexts(store.db, live));
  return buildManifest(board, notices, store.snapshots.latestSeq(boardId), now, DEFAULT_HORIZON_MS);
}
