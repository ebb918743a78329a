/**
 * The publisher API contract (/api/v1) as TypeScript types, shared by the server
 * (src-main/publisher/api.ts) and the clerk app. The OpenAPI document describes the same shapes.
 */
import type { Notice, NoticeFields, NoticeState } from './domain.ts';

/** A notice as the API shows it: its state now and its instants in the board's zone. */
export interface NoticeView extends Notice {
  state: NoticeState;
  /** postAt as ISO 8601 with the board's offset, e.g. "2026-11-23T08:00:00+01:00". */
  postAtLocal: string | null;
  removeAtLocal: string | null;
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
}
