/** The clerk app's calls for privacy (src-main/privacy/routes.ts): redacted copies and the board's retention. */
import type { NoticeView } from '../../src-main/shared/api-types.ts';
import { request, type ApiClient } from '../shared/api-client.ts';

export interface PrivacySettingsView {
  board: string;
  retentionDays: number;
  isDefault: boolean;
}

const redactedPath = (id: string, sha256: string): string => `/notices/${encodeURIComponent(id)}/attachments/${sha256}/redacted`;

export function setRedactedCopy(api: ApiClient, id: string, sha256: string, file: File): Promise<NoticeView> {
  const form = new FormData();
  form.append('files', file, file.name);
  return request<NoticeView>(api.base, 'PUT', redactedPath(id, sha256), form);
}

export function removeRedactedCopy(api: ApiClient, id: string, sha256: string): Promise<NoticeView> {
  return request<NoticeView>(api.base, 'DELETE', redactedPath(id, sha256));
}

export function privacySettings(api: ApiClient, boardId: string): Promise<PrivacySettingsView> {
  return request<PrivacySettingsView>(api.base, 'GET', `/boards/${encodeURIComponent(boardId)}/privacy`);
}

export function setRetentionDays(api: ApiClient, boardId: string, retentionDays: number): Promise<PrivacySettingsView> {
  return request<PrivacySettingsView>(api.base, 'PUT', `/boards/${encodeURIComponent(boardId)}/privacy`, JSON.stringify({ retentionDays }), true);
}
