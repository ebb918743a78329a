/**
 * The contract of users, rights and approval in the publisher API (/api/v1/users…,
 * /session/password, /notices/{id}/submit|approve|return, /boards/{board}/approvals,
 * /boards/{board}/approval-settings), shared by the server (publisher/user-routes.ts) and the
 * clerk app. openapi.json describes the same shapes.
 */
import type { ApiUser, BoardRole } from './api-types.ts';

export type { BoardRole };

/**
 * What a caller may do on a board, strongest last: a clerk drafts and submits for approval; an
 * approver also publishes, approves, returns and withdraws; an admin may do everything (and
 * manages users, boards, kiosks and tokens).
 */
export type EffectiveRole = BoardRole | 'admin';

/** A user as the admin's Users screen lists it. */
export interface ApiUserDetail extends ApiUser {
  department: string;
  mustChangePassword: boolean;
  rights: Record<string, BoardRole>;
  active: boolean;
  createdAt: string;
  passwordChangedAt: string | null;
}

/** POST /users. Without a password, a one-time password is generated; either way it must be changed at the first sign-in. */
export interface NewUserRequest {
  username: string;
  displayName: string;
  department?: string;
  admin?: boolean;
  rights?: Record<string, BoardRole>;
}

/** PATCH /users/{id}. */
export interface UserPatch {
  displayName?: string;
  department?: string;
  admin?: boolean;
  active?: boolean;
}

/** POST /users and POST /users/{id}/password-reset: the one-time password is shown this once only. */
export interface UserWithPassword {
  user: ApiUserDetail;
  oneTimePassword: string;
}

export type ApprovalStatus = 'awaiting' | 'approved' | 'returned';

/** A notice's approval (boards with or without four eyes); absent for a notice never submitted. */
export interface ApprovalView {
  noticeId: string;
  boardId: string;
  title: string;
  status: ApprovalStatus;
  /** Who created the notice: never the one who approves it. */
  author: string;
  submittedBy: string;
  submittedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why it was returned. */
  reason: string | null;
}

/** GET /notices/{id}/approval: the approval and what the caller may do with it now. */
export interface ApprovalState {
  approval: ApprovalView | null;
  fourEyes: boolean;
  role: EffectiveRole;
  may: { submit: boolean; approve: boolean; return: boolean; publish: boolean; edit: boolean; withdraw: boolean };
  /** Why a button is hidden or disabled, in Czech (e.g. "Vlastní oznámení nemůžete schválit…"); '' when all is allowed. */
  why: string;
}

/** GET /boards/{board}/approval-settings and its PUT. */
export interface ApprovalSettings {
  board: string;
  fourEyes: boolean;
}
