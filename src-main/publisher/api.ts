/**
 * The publisher REST API (mounted at /api/v1), described by ./openapi.json. Instants travel as
 * ISO 8601 with an offset and are stored in UTC; every response error has the shape
 * { error: { code, message } } with a Czech message a clerk understands.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CertificateInput } from '../evidence/certificate.ts';
import { runInWorker } from '../workers/run.ts';
import type { Board, Notice, NoticeFields, NoticeState } from '../shared/domain.ts';
import { NOTICE_STATES, noticeStateAt } from '../shared/domain.ts';
import { isSha256 } from '../shared/feed.ts';
import { toOffsetIso } from '../shared/zone.ts';
import { DomainError, type NewAttachment } from '../store/notices.ts';
import { clearSessionCookie, requireAuth, sessionToken, setSessionCookie, type AuthEnv } from './auth.ts';
import type { PublisherContext } from './context.ts';
import type { ApiErrorBody, NoticeView } from '../shared/api-types.ts';
import openapi from './openapi.json' with { type: 'json' };
import { readMultipart, type UploadedFile } from './uploads.ts';

export type { NoticeView };

const CERTIFICATE_MODULE = new URL('../evidence/certificate.ts', import.meta.url);

export function noticeView(n: Notice, board: Board, now: number): NoticeView {
  const local = (iso: string | null): string | null => (iso === null ? null : toOffsetIso(Date.parse(iso), board.timeZone));
  return { ...n, state: noticeStateAt(n, now), postAtLocal: local(n.postAt), removeAtLocal: local(n.removeAt) };
}

const STRING_FIELDS = ['title', 'description', 'category', 'department', 'referenceNumber', 'fileMark'] as const;
const INSTANT_FIELDS = ['postAt', 'removeAt'] as const;
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const FIELD_LABEL: Record<(typeof INSTANT_FIELDS)[number], string> = { postAt: 'Datum vyvěšení', removeAt: 'Datum sejmutí' };

function bad(code: string, message: string, status = 400): DomainError {
  return new DomainError(code, message, status);
}

/** Converts an ISO instant with offset to UTC "…Z"; null stays null. */
function toUtc(field: (typeof INSTANT_FIELDS)[number], v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !INSTANT_WITH_OFFSET.test(v) || Number.isNaN(Date.parse(v))) {
    throw bad('bad_instant', `${FIELD_LABEL[field]} musí být datum a čas ve formátu ISO 8601 s časovou zónou, např. 2026-11-21T08:00:00+01:00.`, 422);
  }
  return new Date(Date.parse(v)).toISOString();
}

/** The notice fields present in a metadata object, checked and converted. */
function parseFields(meta: unknown): Partial<NoticeFields> {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw bad('bad_metadata', 'Část „metadata“ musí být objekt JSON s údaji oznámení.');
  }
  const m = meta as Record<string, unknown>;
  const out: Partial<NoticeFields> = {};
  for (const k of STRING_FIELDS) {
    if (m[k] === undefined) continue;
    if (typeof m[k] !== 'string') throw bad('bad_metadata', `Údaj „${k}“ musí být text.`);
    out[k] = m[k];
  }
  for (const k of INSTANT_FIELDS) if (m[k] !== undefined) out[k] = toUtc(k, m[k]);
  return out;
}

function parseRemoveAttachments(meta: unknown): string[] {
  const v = (meta as Record<string, unknown>).removeAttachments;
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && isSha256(s))) {
    throw bad('bad_metadata', 'Údaj „removeAttachments“ musí být seznam otisků SHA-256 příloh.');
  }
  return v as string[];
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await c.req.json();
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through to the same error as a non-object body
  }
  throw bad('bad_request', 'Tělo požadavku musí být objekt JSON.');
}

export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/** The REST API for clerks and integrations; mount at /api/v1. */
export function apiRoutes(ctx: PublisherContext): Hono<AuthEnv> {
  const { store, clock } = ctx;
  const app = new Hono<AuthEnv>();

  const boardOr404 = (id: string): Board => {
    const b = store.board(id);
    if (!b) throw bad('not_found', 'Úřední deska neexistuje.', 404);
    return b;
  };
  const view = (n: Notice): NoticeView => noticeView(n, boardOr404(n.boardId), clock.now());
  /** Stores accepted files; called only after every part of the request passed its checks. */
  const storeFiles = (files: UploadedFile[]): NewAttachment[] =>
    files.map((f) => ({ ...ctx.store.blobs.put(f.bytes, 'application/pdf', clock.now()), name: f.name }));

  app.onError((err, c) => {
    if (err instanceof DomainError) return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode);
    console.error('publisher API:', err);
    return c.json(errorBody('internal', 'Na serveru nastala neočekávaná chyba. Zkuste to prosím znovu.'), 500);
  });

  // ---- public: the document and signing in
  app.get('/openapi.json', (c) => c.json(openapi));

  app.post('/session', async (c) => {
    const body = await jsonBody(c);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw bad('bad_request', 'Vyplňte uživatelské jméno a heslo.');
    }
    const user = store.users.authenticate(username, password);
    if (!user) throw bad('bad_login', 'Nesprávné uživatelské jméno nebo heslo.', 401);
    setSessionCookie(c, store.users.createSession(user.id, clock.now()));
    store.audit.append({ at: clock.now(), actor: user.username, action: 'signed-in' });
    return c.json({ user });
  });

  // ---- everything below needs a caller
  app.use('*', requireAuth(ctx));

  app.get('/session', (c) => c.json({ user: c.var.caller.user }));

  app.delete('/session', (c) => {
    const token = sessionToken(c);
    if (token) store.users.endSession(token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/boards', (c) => c.json({ boards: store.boards() }));

  app.get('/boards/:board/notices', (c) => {
    const board = boardOr404(c.req.param('board'));
    const state = c.req.query('state');
    if (state !== undefined && !NOTICE_STATES.includes(state as NoticeState)) {
      throw bad('bad_state', `Neznámý stav „${state}“. Povolené: ${NOTICE_STATES.join(', ')}.`);
    }
    const now = clock.now();
    const notices = store.notices
      .list(board.id)
      .map((n) => noticeView(n, board, now))
      .filter((n) => state === undefined || n.state === state);
    return c.json({ notices });
  });

  app.post('/boards/:board/notices', async (c) => {
    const board = boardOr404(c.req.param('board'));
    const { metadata, files } = await readMultipart(c.req.raw, ctx.maxUploadBytes);
    if (metadata === undefined) throw bad('bad_metadata', 'Chybí část „metadata“ s údaji oznámení.');
    const f = parseFields(metadata);
    const fields: NoticeFields = {
      title: f.title ?? '',
      description: f.description ?? '',
      category: f.category ?? '',
      department: f.department ?? '',
      referenceNumber: f.referenceNumber ?? '',
      fileMark: f.fileMark ?? '',
      postAt: f.postAt ?? null,
      removeAt: f.removeAt ?? null,
    };
    const now = clock.now();
    const notice = await ctx.engine.commit(board.id, () => store.notices.create(board, fields, storeFiles(files), c.var.caller.actor, now));
    return c.json(view(notice), 201);
  });

  app.get('/notices/:id', (c) => c.json(view(store.notices.require(c.req.param('id')))));

  app.patch('/notices/:id', async (c) => {
    const existing = store.notices.require(c.req.param('id'));
    const { metadata, files } = await readMultipart(c.req.raw, ctx.maxUploadBytes);
    const meta = metadata ?? {};
    const patch = parseFields(meta);
    const removeShas = parseRemoveAttachments(meta);
    const now = clock.now();
    if (files.length > 0 && !['draft', 'scheduled'].includes(noticeStateAt(existing, now))) {
      throw bad('posted_immutable', 'K vyvěšenému, sejmutému ani staženému oznámení nelze přidávat přílohy.', 409);
    }
    // One transaction: a refused edit leaves no blob rows behind.
    const notice = await ctx.engine.commit(existing.boardId, () =>
      store.notices.update(existing.id, patch, storeFiles(files), removeShas, c.var.caller.actor, now),
    );
    return c.json(view(notice));
  });

  app.post('/notices/:id/publish', async (c) => {
    const existing = store.notices.require(c.req.param('id'));
    const notice = await ctx.engine.commit(existing.boardId, () => store.notices.publish(existing.id, c.var.caller.actor, clock.now()));
    return c.json(view(notice));
  });

  app.post('/notices/:id/withdraw', async (c) => {
    const id = c.req.param('id');
    const existing = store.notices.require(id);
    const { reason } = await jsonBody(c);
    if (typeof reason !== 'string') throw bad('reason_required', 'Uveďte důvod stažení oznámení.', 422);
    const notice = await ctx.engine.commit(existing.boardId, () => store.notices.withdraw(id, reason, c.var.caller.actor, clock.now()));
    return c.json(view(notice));
  });

  app.get('/notices/:id/events', (c) => {
    const n = store.notices.require(c.req.param('id'));
    return c.json({ events: store.audit.list(n.id), sightings: store.evidence.forNotice(n.id) });
  });

  app.get('/notices/:id/certificate', async (c) => {
    const notice = store.notices.require(c.req.param('id'));
    const board = boardOr404(notice.boardId);
    const sightings = store.evidence.forNotice(notice.id);
    const kiosks = store.evidence.kiosks(board.id).map((k) => ({ id: k.id }));
    const input: CertificateInput = {
      board,
      notice,
      events: store.audit.list(notice.id),
      sightings,
      kiosks,
      outages: store.evidence.outages([...new Set([...sightings.map((s) => String(s.channel)), ...kiosks.map((k) => `kiosk:${k.id}`)])]),
      generatedAt: clock.now(),
      generatedBy: c.var.caller.actor,
    };
    // Rendering is CPU work: a worker thread keeps the schedule on time meanwhile.
    const pdf = await runInWorker<Uint8Array>(CERTIFICATE_MODULE, 'renderCertificate', [input], { timeoutMs: 120_000 });
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="potvrzeni-${notice.id}.pdf"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/attachments/:sha256', (c) => {
    const sha = c.req.param('sha256');
    if (!isSha256(sha) || !store.blobs.has(sha)) throw bad('not_found', 'Příloha neexistuje.', 404);
    return c.body(new Uint8Array(store.blobs.read(sha)), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${sha}.pdf"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
  });

  app.get('/kiosks', (c) => c.json({ kiosks: store.evidence.kiosks() }));

  app.post('/tokens', async (c) => {
    const caller = c.var.caller;
    if (caller.user.role !== 'admin') throw bad('forbidden', 'API tokeny může vytvářet jen správce.', 403);
    const { name } = await jsonBody(c);
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
      throw bad('name_required', 'Zadejte název tokenu (nejvýše 100 znaků).', 422);
    }
    const created = store.users.createToken(name.trim(), caller.user.id, clock.now());
    store.audit.append({ at: clock.now(), actor: caller.actor, action: 'token-created', detail: { id: created.id, name: name.trim() } });
    return c.json(created, 201);
  });

  // A sub-app's notFound is not used once mounted, so unknown API paths end here instead.
  app.all('*', (c) => c.json(errorBody('not_found', 'Požadovaná adresa v API neexistuje.'), 404));

  return app;
}
