/**
 * Health of publication per board and channel, as GET /api/v1/status/publication answers it
 * and the clerk app shows it to admins. Pure (imported by the renderer).
 */
import { formatWall } from './zone.ts';

/** 'snapshot' is the board's own signing step; the others consume its snapshots. */
export type PublicationChannel = 'snapshot' | 'feed' | 'feed-folder' | 'mirror' | 'deploy' | 'web';

export const PUBLICATION_CHANNELS: readonly PublicationChannel[] = ['snapshot', 'feed', 'feed-folder', 'mirror', 'deploy', 'web'];

export interface ChannelStatusView {
  channel: PublicationChannel;
  /** Where it publishes: a folder, a deploy target, a public URL ('' for the HTTP feed). */
  place: string;
  /** ok: up to date; pending: work queued or running; failing: the last attempt failed. */
  state: 'ok' | 'pending' | 'failing';
  /** An attempt is running right now. */
  running: boolean;
  /** Newest snapshot this channel made public (0: none yet). */
  deliveredSeq: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Why the last attempt failed (cleared by a success). */
  lastError: string | null;
  /** First failure of the current run of failures, or null when not failing. */
  failingSince: string | null;
  /** Failed attempts in a row. */
  attempts: number;
  nextAttemptAt: string | null;
}

export interface BoardPublicationStatus {
  boardId: string;
  boardName: string;
  timeZone: string;
  /** Newest signed snapshot (0: none yet). */
  latestSeq: number;
  latestAt: string | null;
  /** Publish jobs waiting in the outbox. */
  pendingJobs: number;
  channels: ChannelStatusView[];
}

export interface PublicationStatusResponse {
  at: string;
  boards: BoardPublicationStatus[];
}

const SUBJECT: Record<PublicationChannel, string> = {
  snapshot: 'Podepsaný snímek',
  feed: 'Feed pro kiosky',
  'feed-folder': 'Složka s feedem pro kiosky',
  mirror: 'Webové zrcadlo',
  deploy: 'Nasazení webového zrcadla',
  web: 'Kontrola veřejné adresy',
};

/** Czech label of a channel, e.g. "Webové zrcadlo". */
export function channelLabel(c: PublicationChannel): string {
  return SUBJECT[c];
}

/** Past tense in the subject's grammatical gender: "se neaktualizoval/a/o", "neproběhl/a/o". */
const NOT_DONE: Record<PublicationChannel, string> = {
  snapshot: 'se nepodepsal',
  feed: 'se neaktualizoval',
  'feed-folder': 'se neaktualizovala',
  mirror: 'se neaktualizovalo',
  deploy: 'neproběhlo',
  web: 'neproběhla',
};

/**
 * One plain Czech sentence for an admin about a failing channel, e.g.
 * "Webové zrcadlo desky Obecní úřad Lhota se neaktualizovalo od 21. 11. 2026 10:02: <důvod>".
 */
export function failureSentence(board: Pick<BoardPublicationStatus, 'boardName' | 'timeZone'>, c: ChannelStatusView): string {
  const since = c.lastSuccessAt;
  const when = since === null ? 'ani jednou' : `od ${formatWall(Date.parse(since), board.timeZone)}`;
  return `${SUBJECT[c.channel]} desky ${board.boardName} ${NOT_DONE[c.channel]} ${when}: ${c.lastError ?? 'neznámá chyba'}`;
}
