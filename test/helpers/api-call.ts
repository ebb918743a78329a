/**
 * One HTTP call to a running publisher's /api/v1 with a session cookie or a Bearer token; every
 * response is checked against src-main/publisher/openapi.json (test/helpers/openapi.ts).
 */
import { checkResponse } from './openapi.ts';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export type Auth = { bearer: string } | { cookie: string };

export async function apiCall<T = unknown>(
  base: string,
  method: string,
  template: string,
  o: { params?: Record<string, string>; query?: string; auth?: Auth; json?: unknown; form?: FormData } = {},
): Promise<Reply<T>> {
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(o.params?.[k] ?? ''));
  const headers: Record<string, string> = {};
  if (o.auth && 'bearer' in o.auth) headers.authorization = `Bearer ${o.auth.bearer}`;
  if (o.auth && 'cookie' in o.auth) {
    headers.cookie = o.auth.cookie;
    headers['x-requested-with'] = 'deska';
  }
  let body: BodyInit | undefined;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.form) body = o.form;
  const res = await fetch(`${base}/api/v1${path}${o.query ?? ''}`, { method, headers, body });
  const type = res.headers.get('content-type');
  const parsed: unknown = type?.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
  checkResponse(method, template, res.status, type, type?.startsWith('application/json') ? parsed : undefined);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Signs in and returns the session cookie ("deska_session=…"). */
export async function signIn(base: string, username: string, password: string): Promise<{ cookie: string }> {
  const r = await apiCall(base, 'POST', '/session', { json: { username, password } });
  if (r.status !== 200) throw new Error(`sign-in of ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** The multipart body of a notice create/edit request. */
export function noticeForm(metadata: unknown): FormData {
  const f = new FormData();
  f.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
  return f;
}

export const errorOf = (r: Reply): { code: string; message: string } => (r.body as { error: { code: string; message: string } }).error;
