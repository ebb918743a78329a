/**
 * The clerk app's client for /api/v1: same-origin cookie session, the CSRF header on every
 * request, and API errors turned into ApiError with the server's Czech message.
 */
import type { ApiBoard, ApiErrorBody, ApiToken, ApiUser, CreatedToken, NewTokenRequest, NoticeMetadata, NoticeTypesResponse, NoticeView } from '../../src-main/shared/api-types.ts';
import type { LawfulPeriodView } from '../../src-main/shared/notice-types.ts';
import type { CorrectionMetadata, NoticeRevision, RevisionsResponse } from '../../src-main/shared/revisions.ts';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export interface ApiClient {
  base: string;
  signIn(username: string, password: string): Promise<ApiUser>;
  session(): Promise<ApiUser | null>;
  signOut(): Promise<void>;
  boards(): Promise<ApiBoard[]>;
  notices(boardId: string): Promise<NoticeView[]>;
  notice(id: string): Promise<NoticeView>;
  create(boardId: string, metadata: NoticeMetadata, files: File[]): Promise<NoticeView>;
  update(id: string, metadata: NoticeMetadata, files: File[]): Promise<NoticeView>;
  publish(id: string): Promise<NoticeView>;
  withdraw(id: string, reason: string): Promise<NoticeView>;
  certificateUrl(id: string): string;
  attachmentUrl(sha256: string): string;
  /** Admins only: every API token, never a secret. */
  tokens(): Promise<ApiToken[]>;
  /** Admins only: a new token; its secret is in the answer this once only. */
  createToken(spec: NewTokenRequest): Promise<CreatedToken>;
  revokeToken(id: string): Promise<ApiToken>;
  /** Admins only: whether anyone may read the board's feed without a kiosk token. */
  setFeedPublic(boardId: string, isPublic: boolean): Promise<boolean>;
  /** The board's notice types with their legal periods. */
  noticeTypes(boardId: string): Promise<NoticeTypesResponse>;
  /** The lawful period of a type posted at `postAt` (ISO with offset); `eventDate` for types counted before an event. */
  lawfulPeriod(boardId: string, type: string, postAt: string, eventDate: string | null): Promise<LawfulPeriodView>;
  /** A notice's change register, and what a correction now would do to its lawful period. */
  revisions(id: string): Promise<RevisionsResponse>;
  /** Corrects a posted notice (a new revision with a reason). */
  correct(id: string, metadata: CorrectionMetadata, files: File[]): Promise<{ notice: NoticeView; revision: NoticeRevision }>;
}

export async function request<T>(base: string, method: string, path: string, body?: BodyInit, json = false): Promise<T> {
  const headers: Record<string, string> = { 'X-Requested-With': 'deska', Accept: 'application/json' };
  if (json) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError('network', 'Server neodpovídá. Zkontrolujte připojení a zkuste to znovu.', 0);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.startsWith('application/json') ? await res.json() : null;
  if (!res.ok) {
    const err = (data as ApiErrorBody | null)?.error;
    throw new ApiError(err?.code ?? 'http_' + res.status, err?.message ?? `Server vrátil chybu ${res.status}.`, res.status);
  }
  return data as T;
}

function noticeForm(metadata: NoticeMetadata, files: File[]): FormData {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  for (const f of files) form.append('files', f, f.name);
  return form;
}

export function apiClient(base = '../../api/v1'): ApiClient {
  return {
    base,
    async signIn(username, password) {
      return (await request<{ user: ApiUser }>(base, 'POST', '/session', JSON.stringify({ username, password }), true)).user;
    },
    async session() {
      try {
        return (await request<{ user: ApiUser }>(base, 'GET', '/session')).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    async signOut() {
      await request<void>(base, 'DELETE', '/session');
    },
    async boards() {
      return (await request<{ boards: ApiBoard[] }>(base, 'GET', '/boards')).boards;
    },
    async notices(boardId) {
      return (await request<{ notices: NoticeView[] }>(base, 'GET', `/boards/${encodeURIComponent(boardId)}/notices`)).notices;
    },
    notice: (id) => request<NoticeView>(base, 'GET', `/notices/${encodeURIComponent(id)}`),
    create: (boardId, metadata, files) => request<NoticeView>(base, 'POST', `/boards/${encodeURIComponent(boardId)}/notices`, noticeForm(metadata, files)),
    update: (id, metadata, files) => request<NoticeView>(base, 'PATCH', `/notices/${encodeURIComponent(id)}`, noticeForm(metadata, files)),
    publish: (id) => request<NoticeView>(base, 'POST', `/notices/${encodeURIComponent(id)}/publish`),
    withdraw: (id, reason) => request<NoticeView>(base, 'POST', `/notices/${encodeURIComponent(id)}/withdraw`, JSON.stringify({ reason }), true),
    certificateUrl: (id) => `${base}/notices/${encodeURIComponent(id)}/certificate`,
    attachmentUrl: (sha) => `${base}/attachments/${sha}`,
    async tokens() {
      return (await request<{ tokens: ApiToken[] }>(base, 'GET', '/tokens')).tokens;
    },
    createToken: (spec) => request<CreatedToken>(base, 'POST', '/tokens', JSON.stringify(spec), true),
    revokeToken: (id) => request<ApiToken>(base, 'DELETE', `/tokens/${encodeURIComponent(id)}`),
    async setFeedPublic(boardId, isPublic) {
      const body = JSON.stringify({ public: isPublic });
      return (await request<{ board: string; public: boolean }>(base, 'PUT', `/boards/${encodeURIComponent(boardId)}/feed-access`, body, true)).public;
    },
    noticeTypes: (boardId) => request<NoticeTypesResponse>(base, 'GET', `/boards/${encodeURIComponent(boardId)}/notice-types`),
    lawfulPeriod: (boardId, type, postAt, eventDate) => {
      const q = new URLSearchParams({ type, postAt, ...(eventDate ? { eventDate } : {}) });
      return request<LawfulPeriodView>(base, 'GET', `/boards/${encodeURIComponent(boardId)}/lawful-period?${q.toString()}`);
    },
    revisions: (id) => request<RevisionsResponse>(base, 'GET', `/notices/${encodeURIComponent(id)}/revisions`),
    correct: (id, metadata, files) => {
      const form = new FormData();
      form.append('metadata', JSON.stringify(metadata));
      for (const f of files) form.append('files', f, f.name);
      return request<{ notice: NoticeView; revision: NoticeRevision }>(base, 'POST', `/notices/${encodeURIComponent(id)}/revisions`, form);
    },
  };
}
