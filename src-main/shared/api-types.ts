/**
 * The publisher API contract (/api/v1) as TypeScript types, shared by the server
 * (src-main/publisher/api.ts) and the clerk app. The OpenAPI document describes the same shapes.
 */
import type { Board, Notice, NoticeFields, NoticeState } from './domain.ts';
import type { LawfulPeriodView, NoticeType } from './notice-types.ts';

/** A notice as the API shows it: its state now and its instants in the board's zone. */
export interface NoticeView extends Notice {
  state: NoticeState;
  /** postAt as ISO 8601 with the board's offset, e.g. "2026-11-23T08:00:00+01:00". */
  postAtLocal: string | null;
  removeAtLocal: string | null;
  /** The lawful period of its type from its posting instant (null while it has none). */
  lawful: LawfulPeriodView | null;
}

/** GET /boards/{board}/notice-types. */
export interface NoticeTypesResponse {
  board: string;
  country: 'CZ' | 'PL';
  locale: string;
  timeZone: string;
  types: NoticeType[];
}

/** The JSON `metadata` part of a create or edit request. Instants carry an offset. */
export type NoticeMetadata = Partial<NoticeFields> & { removeAttachments?: string[] };

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface ApiUser {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'clerk';
  /** The user's department; a clerk drafts notices only for it ('' for none). */
  department?: string;
  /** True after an admin reset the password: nothing else works until it is changed. */
  mustChangePassword?: boolean;
  /** Board id → role on that board (empty for an admin, who may do everything). Types in ./users-api.ts. */
  rights?: Record<string, BoardRole>;
}

/** A board as GET /boards lists it: with whether its feed is public (PUT /boards/{board}/feed-access). */
export interface ApiBoard extends Board {
  /** true: anyone reads the board's feed (notices up to 7 days before posting); false (default): only its kiosks' tokens. */
  feedPublic: boolean;
}

/** What an ordinary user may do on one board: draft and submit (clerk), or also publish and approve (approver). */
export type BoardRole = 'clerk' | 'approver';

export type TokenKind = 'admin' | 'integration' | 'kiosk';

/** An API token as GET /tokens lists it: never its secret. */
export interface ApiToken {
  id: string;
  name: string;
  kind: TokenKind;
  /** integration: the boards it may publish to; [] for the other kinds. */
  boards: string[];
  /** kiosk: its board and kiosk id; null for the other kinds. */
  board: string | null;
  kioskId: string | null;
  createdAt: string;
  /** Username of the admin who created it. */
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  useCount: number;
}

/** The body of POST /tokens. */
export type NewTokenRequest =
  | { kind: 'admin'; name: string }
  | { kind: 'integration'; name: string; boards: string[] }
  | { kind: 'kiosk'; name: string; board: string; kioskId: string };

/** The answer of POST /tokens: the token with its secret, shown this once only. */
export interface CreatedToken extends ApiToken {
  token: string;
}
