/**
 * The clerk app's calls for users, rights, passwords and approval (publisher/user-routes.ts),
 * beside the general client (../shared/api-client.ts): the same cookie session, CSRF header and
 * Czech errors as ApiError.
 */
import type { ApiErrorBody, ApiUser, NoticeView } from '../../src-main/shared/api-types.ts';
import type { ApiUserDetail, ApprovalSettings, ApprovalState, ApprovalStatus, ApprovalView, BoardRole, NewUserRequest, UserPatch, UserWithPassword } from '../../src-main/shared/users-api.ts';
import { ApiError } from '../shared/api-client.ts';

async function call<T>(base: string, method: string, path: string, json?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'X-Requested-With': 'deska', Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), credentials: 'same-origin' });
  } catch {
    throw new ApiError('network', 'Server neodpovídá. Zkontrolujte připojení a zkuste to znovu.', 0);
  }
  const data: unknown = (res.headers.get('content-type') ?? '').startsWith('application/json') ? await res.json() : null;
  if (!res.ok) {
    const err = (data as ApiErrorBody | null)?.error;
    throw new ApiError(err?.code ?? `http_${res.status}`, err?.message ?? `Server vrátil chybu ${res.status}.`, res.status);
  }
  return data as T;
}

const enc = encodeURIComponent;

export function usersClient(base = '../../api/v1') {
  return {
    users: async (): Promise<ApiUserDetail[]> => (await call<{ users: ApiUserDetail[] }>(base, 'GET', '/users')).users,
    createUser: (spec: NewUserRequest): Promise<UserWithPassword> => call(base, 'POST', '/users', spec),
    updateUser: (id: string, patch: UserPatch): Promise<ApiUserDetail> => call(base, 'PATCH', `/users/${enc(id)}`, patch),
    setRights: (id: string, rights: Record<string, BoardRole | null>): Promise<ApiUserDetail> => call(base, 'PUT', `/users/${enc(id)}/rights`, { rights }),
    resetPassword: (id: string): Promise<UserWithPassword> => call(base, 'POST', `/users/${enc(id)}/password-reset`),
    changePassword: async (currentPassword: string, newPassword: string): Promise<ApiUser> =>
      (await call<{ user: ApiUser }>(base, 'PUT', '/session/password', { currentPassword, newPassword })).user,
    approvals: async (board: string, status: ApprovalStatus = 'awaiting'): Promise<ApprovalView[]> =>
      (await call<{ approvals: ApprovalView[] }>(base, 'GET', `/boards/${enc(board)}/approvals?status=${status}`)).approvals,
    approvalSettings: (board: string): Promise<ApprovalSettings> => call(base, 'GET', `/boards/${enc(board)}/approval-settings`),
    setFourEyes: (board: string, fourEyes: boolean): Promise<ApprovalSettings> => call(base, 'PUT', `/boards/${enc(board)}/approval-settings`, { fourEyes }),
    approval: (id: string): Promise<ApprovalState> => call(base, 'GET', `/notices/${enc(id)}/approval`),
    submit: (id: string): Promise<ApprovalView> => call(base, 'POST', `/notices/${enc(id)}/submit`),
    approve: (id: string): Promise<NoticeView> => call(base, 'POST', `/notices/${enc(id)}/approve`),
    returnNotice: (id: string, reason: string): Promise<ApprovalView> => call(base, 'POST', `/notices/${enc(id)}/return`, { reason }),
  };
}

export type UsersClient = ReturnType<typeof usersClient>;

export const ROLE_LABELS: Record<BoardRole, string> = { clerk: 'Referent', approver: 'Schvalovatel' };
