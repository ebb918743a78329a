/**
 * The publisher REST API (mounted at /api/v1), described by ./openapi.json. Instants travel as
 * ISO 8601 with an offset and are stored in UTC; every response error has the shape
 * { error: { code, message } } with a Czech message a clerk understands.
 *
 * Every body is read with a limit while it streams (http/body.ts): sign-in 4 kB, other JSON
 * 64 kB, uploads the per-file limit and a total per request (uploads.ts). What a caller may do
 * depends on who it is (auth.ts): tokens and board settings need an admin; an integration token
 * sees only its boards; a kiosk token has no access here.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CertificateInput } from '../evidence/certificate.ts';
import { requestWorkers, runInWorker } from '../workers/run.ts';
import type { Board, Notice, NoticeFields, NoticeState } from '../shared/domain.ts';
import { NOTICE_STATES, noticeStateAt } from '../shared/domain.ts';
import { isSha256 } from '../shared/feed.ts';
import { toOffsetIso } from '../shared/zone.ts';
import { DomainError, type NewAttachment } from '../store/notices.ts';
import {
  clearSessionCookie,
  clientAddress,
  isAdmin,
  mayUseBoard,
  requireAuth,
  roleOn,
  sessionToken,
  setSessionCookie,
  SignInThrottle,
  type AuthEnv,
  type Caller,
} from './auth.ts';
import type { PublisherContext } from './context.ts';
import type { ApiBoard, ApiErrorBody, ApiToken, CreatedToken, NoticeView } from '../shared/api-types.ts';
import openapi from './openapi.json' with { type: 'json' };
import { clearTmp, isFsError, readMultipart, storageRefusal, totalLimitFor, type MultipartBody } from './uploads.ts';
import { BODY_LIMITS, readJsonObject } from '../http/body.ts';
import { cleanText, parseInstant } from './input.ts';
import { certificateLegal, lawfulOf, legalRoutes, parseTypeFields } from './legal-routes.ts';
import { tokenActor, TOKEN_KINDS, type TokenKind } from '../store/users.ts';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { searchRoutes } from '../search/routes.ts';
import { inboxRoutes } from '../inbox/routes.ts';
import { revisionRoutes } from './revision-routes.ts';
import { userRoutes } from './user-routes.ts';
import { authorizeEdit, authorizeNewNotice, noBoardAccess, noticeRoleGuards } from './rights.ts';
import { parsePrivacyFields, privacyRoutes } from '../privacy/routes.ts';

export type { NoticeView };

const CERTIFICATE_MODULE = new URL('../evidence/certificate.ts', import.meta.url);

export function noticeView(n: Notice, board: Board, now: number, lawful: NoticeView['lawful'] = null): NoticeView {
  const local = (iso: string | null): string | null => (iso === null ? null : toOffsetIso(Date.parse(iso), board.timeZone));
  return { ...n, state: noticeStateAt(n, now), postAtLocal: local(n.postAt), removeAtLocal: local(n.removeAt), lawful };
}

const STRING_FIELDS = ['title', 'description', 'category', 'department', 'referenceNumber', 'fileMark'] as const;
const INSTANT_FIELDS = ['postAt', 'removeAt'] as const;
const FIELD_LABEL: Record<(typeof INSTANT_FIELDS)[number] | (typeof STRING_FIELDS)[number], string> = {
  postAt: 'Datum vyvěšení',
  removeAt: 'Datum sejmutí',
  title: 'Název',
  description: 'Popis',
  category: 'Kategorie',
  department: 'Odbor',
  referenceNumber: 'Číslo jednací',
  fileMark: 'Spisová značka',
};
const KIOSK_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function bad(code: string, message: string, status = 400): DomainError {
  return new DomainError(code, message, status);
}

/** Converts an ISO instant with offset to UTC "…Z"; null stays null. */
function toUtc(field: (typeof INSTANT_FIELDS)[number], v: unknown): string | null {
  return v === null ? null : parseInstant(FIELD_LABEL[field], v);
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
    out[k] = cleanText(FIELD_LABEL[k], m[k], { multiline: k === 'description' });
  }
  for (const k of INSTANT_FIELDS) if (m[k] !== undefined) out[k] = toUtc(k, m[k]);
  Object.assign(out, parseTypeFields(m), parsePrivacyFields(m));
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

function jsonBody(c: Context, limit: number = BODY_LIMITS.json): Promise<Record<string, unknown>> {
  return readJsonObject(c.req.raw, limit);
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
  /** The board, if this caller may work with it (404 when it does not exist, 403 out of scope). */
  const boardFor = (caller: Caller, id: string): Board => {
    const b = boardOr404(id);
    if (!mayUseBoard(caller, b.id)) throw noBoardAccess(caller, b);
    return b;
  };
  const requireAdmin = (caller: Caller, what: string): void => {
    if (!isAdmin(caller)) throw bad('forbidden', `${what} může jen správce (přihlášený správce nebo token správce).`, 403);
  };
  const view = (n: Notice): NoticeView => noticeView(n, boardOr404(n.boardId), clock.now(), lawfulOf(store, n));

  const tmpDir = join(store.dataDir, 'tmp');
  clearTmp(tmpDir);
  const uploadLimits = { maxFileBytes: ctx.maxUploadBytes, maxTotalBytes: totalLimitFor(ctx.maxUploadBytes), tmpDir };
  /**
   * Reads an upload, runs `change` with the accepted files moved into the blob store inside its
   * transaction, and always removes the request's temporary files. When the change fails, the
   * stored files this request created and no row references are removed again.
   */
  const withUpload = async <T>(req: Request, run: (body: MultipartBody, storeFiles: () => NewAttachment[]) => Promise<T>): Promise<T> => {
    const body = await readMultipart(req, uploadLimits);
    const created: string[] = [];
    const storeFiles = (): NewAttachment[] =>
      body.files.map((f) => {
        let r: ReturnType<typeof store.blobs.putFile>;
        try {
          r = store.blobs.putFile(f.path, f.sha256, f.size, 'application/pdf', clock.now());
        } catch (e) {
          throw isFsError(e) ? storageRefusal(e, 'blobs') : e;
        }
        if (r.created) created.push(r.sha256);
        return { sha256: r.sha256, size: r.size, name: f.name };
      });
    try {
      return await run(body, storeFiles);
    } catch (e) {
      store.blobs.removeUnreferenced(created);
      throw e;
    } finally {
      await body.discard();
    }
  };
  const throttle = new SignInThrottle();

  app.onError((err, c) => {
    if (err instanceof DomainError) {
      return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode, err.status === 413 ? { Connection: 'close' } : {});
    }
    console.error('publisher API:', err);
    return c.json(errorBody('internal', 'Na serveru nastala neočekávaná chyba. Zkuste to prosím znovu.'), 500);
  });

  // ---- public: the document and signing in
  app.get('/openapi.json', (c) => c.json(openapi));

  app.post('/session', async (c) => {
    // application/json only (415 otherwise): a cross-site HTML form cannot send it.
    const body = await jsonBody(c, BODY_LIMITS.signIn);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
      throw bad('bad_request', 'Vyplňte uživatelské jméno a heslo.');
    }
    const name = cleanText('Uživatelské jméno', username, { max: 100 });
    const address = clientAddress(c);
    const wait = throttle.retryAfter(name, address, clock.now());
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60);
      return c.json(
        errorBody('too_many_attempts', `Příliš mnoho neúspěšných pokusů o přihlášení. Zkuste to znovu za ${minutes} min, nebo požádejte správce o nové heslo.`),
        429,
        { 'Retry-After': String(wait) },
      );
    }
    const user = store.users.authenticate(name, password);
    if (!user) {
      throttle.fail(name, address, clock.now());
      throw bad('bad_login', 'Nesprávné uživatelské jméno nebo heslo.', 401);
    }
    throttle.succeeded(name);
    setSessionCookie(c, store.users.createSession(user.id, clock.now()));
    store.audit.append({ at: clock.now(), actor: user.username, action: 'signed-in' });
    return c.json({ user });
  });

  // ---- everything below needs a caller
  app.use('*', requireAuth(ctx));
  // Every notice route checks the caller may use the notice's board (certificate included).
  const noticeScope = async (c: Context<AuthEnv>, next: () => Promise<void>): Promise<void> => {
    const n = store.notices.get(c.req.param('id') ?? '');
    if (n) boardFor(c.var.caller, n.boardId);
    await next();
  };
  app.use('/notices/:id', noticeScope);
  app.use('/notices/:id/*', noticeScope);
  noticeRoleGuards(app, ctx); // roles per board: who may edit, publish, withdraw (rights.ts)

  app.get('/session', (c) => c.json({ user: c.var.caller.user }));

  app.delete('/session', (c) => {
    const token = sessionToken(c);
    if (token) store.users.endSession(token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/boards', (c) => {
    const boards: ApiBoard[] = store.boards()
      .filter((b) => mayUseBoard(c.var.caller, b.id))
      .map((b) => ({ ...b, feedPublic: store.users.feedPublic(b.id) }));
    return c.json({ boards });
  });

  app.get('/boards/:board/notices', (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    const state = c.req.query('state');
    if (state !== undefined && !NOTICE_STATES.includes(state as NoticeState)) {
      throw bad('bad_state', `Neznámý stav „${state}“. Povolené: ${NOTICE_STATES.join(', ')}.`);
    }
    const now = clock.now();
    const notices = store.notices
      .list(board.id)
      .map((n) => noticeView(n, board, now, lawfulOf(store, n)))
      .filter((n) => state === undefined || n.state === state);
    return c.json({ notices });
  });

  app.post('/boards/:board/notices', async (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    return withUpload(c.req.raw, async ({ metadata }, storeFiles) => {
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
      type: f.type,
      eventDate: f.eventDate ?? null,
      personalData: f.personalData ?? false,
    };
    authorizeNewNotice(c.var.caller, board, fields);
    const now = clock.now();
    const notice = await ctx.engine.commit(board.id, () => store.notices.create(board, fields, storeFiles(), c.var.caller.actor, now));
    return c.json(view(notice), 201);
    });
  });

  app.get('/notices/:id', (c) => c.json(view(store.notices.require(c.req.param('id')))));

  app.patch('/notices/:id', async (c) => {
    const existing = store.notices.require(c.req.param('id'));
    return withUpload(c.req.raw, async ({ metadata, files }, storeFiles) => {
    const meta = metadata ?? {};
    const patch = parseFields(meta);
    authorizeEdit(store, c.var.caller, existing, patch, clock.now());
    const removeShas = parseRemoveAttachments(meta);
    const now = clock.now();
    const unknown = removeShas.filter((sha) => !existing.attachments.some((a) => a.sha256 === sha));
    if (unknown.length > 0) {
      throw bad('unknown_attachment', `Oznámení nemá přílohu s otiskem ${unknown.join(', ')}; nic nebylo změněno. Obnovte stránku a vyberte přílohy k odebrání znovu.`);
    }
    // A scheduled notice without a posting instant would silently stop being scheduled (it would
    // look like a draft yet stay published). Cancelling a scheduled posting is a withdrawal, with
    // a reason in the audit log.
    if (patch.postAt === null && noticeStateAt(existing, now) === 'scheduled') {
      throw bad(
        'missing_post_at',
        'Naplánovanému oznámení nelze odebrat datum vyvěšení. Zadejte jiné datum a čas vyvěšení, nebo oznámení stáhněte s uvedením důvodu (tím se vyvěšení zruší).',
        422,
      );
    }
    if (files.length > 0 && !['draft', 'scheduled'].includes(noticeStateAt(existing, now))) {
      throw bad('posted_immutable', 'K vyvěšenému, sejmutému ani staženému oznámení nelze přidávat přílohy.', 409);
    }
    // One transaction: a refused edit leaves no blob rows behind.
    const notice = await ctx.engine.commit(existing.boardId, () =>
      store.notices.update(existing.id, patch, storeFiles(), removeShas, c.var.caller.actor, now),
    );
    return c.json(view(notice));
    });
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
    const text = cleanText('Důvod stažení', reason, { multiline: true, max: 2000 });
    const notice = await ctx.engine.commit(existing.boardId, () => store.notices.withdraw(id, text, c.var.caller.actor, clock.now()));
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
      legal: certificateLegal(store, notice),
      revisions: store.revisions.list(notice.id),
    };
    // Rendering is CPU work: a worker thread keeps the schedule on time meanwhile.
    const pdf = await requestWorkers.run(() => runInWorker<Uint8Array>(CERTIFICATE_MODULE, 'renderCertificate', [input], { timeoutMs: 120_000 }));
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="potvrzeni-${notice.id}.pdf"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/attachments/:sha256', (c) => {
    const sha = c.req.param('sha256');
    if (!isSha256(sha) || !store.blobs.has(sha)) throw bad('not_found', 'Příloha neexistuje.', 404);
    const caller = c.var.caller;
    if (roleOn(caller, '') !== 'admin' && !store.blobs.boardsReferencing(sha).some((b) => mayUseBoard(caller, b))) {
      throw bad('not_found', 'Příloha neexistuje.', 404);
    }
    if (!existsSync(store.blobs.path(sha))) throw bad('purged', 'Soubor byl smazán po uplynutí lhůty uchování osobních údajů. Jeho otisk zůstává v potvrzení o vyvěšení.', 410);
    return c.body(new Uint8Array(store.blobs.read(sha)), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="${sha}.pdf"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
  });

  app.get('/kiosks', (c) => c.json({ kiosks: store.evidence.kiosks().filter((k) => mayUseBoard(c.var.caller, k.boardId)) }));

  app.post('/tokens', async (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'API tokeny vytvářet');
    const body = await jsonBody(c);
    if (typeof body.name !== 'string' || body.name.trim() === '') throw bad('name_required', 'Zadejte název tokenu (nejvýše 100 znaků).', 422);
    const name = cleanText('Název tokenu', body.name.trim(), { max: 100 });
    const kind = body.kind as TokenKind;
    if (!TOKEN_KINDS.includes(kind)) {
      throw bad('bad_kind', 'Zvolte druh tokenu: „admin“ (správa), „integration“ (zveřejňuje na vybrané desky) nebo „kiosk“ (čte feed jedné desky).', 422);
    }
    const known = new Set(store.boards().map((b) => b.id));
    let spec: { boards?: string[]; boardId?: string; kioskId?: string } = {};
    if (kind === 'integration') {
      const boards = body.boards;
      if (!Array.isArray(boards) || boards.length === 0 || !boards.every((b) => typeof b === 'string' && known.has(b))) {
        throw bad('bad_boards', `Token integrace potřebuje seznam desek „boards“, na které smí zveřejňovat (existující: ${[...known].join(', ')}).`, 422);
      }
      spec = { boards: boards as string[] };
    } else if (kind === 'kiosk') {
      const { board, kioskId } = body;
      if (typeof board !== 'string' || !known.has(board)) throw bad('bad_boards', `Token kiosku potřebuje desku „board“ (existující: ${[...known].join(', ')}).`, 422);
      if (typeof kioskId !== 'string' || !KIOSK_ID.test(kioskId)) {
        throw bad('bad_kiosk', 'Identifikátor kiosku „kioskId“ smí obsahovat jen malá písmena bez diakritiky, číslice a pomlčky (např. „vestibul“).', 422);
      }
      spec = { boardId: board, kioskId };
    }
    const now = clock.now();
    const created = store.users.createToken({ name, kind, userId: caller.user.id, ...spec }, now);
    store.audit.append({
      at: now,
      actor: caller.actor,
      action: 'token-created',
      detail: { id: created.id, name, kind, boards: created.info.boards, board: created.info.board, kioskId: created.info.kioskId },
    });
    return c.json({ ...created.info, token: created.token } satisfies CreatedToken, 201);
  });

  app.get('/tokens', (c) => {
    requireAdmin(c.var.caller, 'API tokeny vypsat');
    return c.json({ tokens: store.users.tokens() satisfies ApiToken[] });
  });

  app.delete('/tokens/:tokenId', (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'API tokeny rušit');
    const token = store.users.token(c.req.param('tokenId'));
    if (!token) throw bad('not_found', 'Takový token neexistuje.', 404);
    if (token.revokedAt === null) {
      const now = clock.now();
      store.users.revokeToken(token.id, now);
      store.audit.append({ at: now, actor: caller.actor, action: 'token-revoked', detail: { id: token.id, name: token.name, token: tokenActor(token) } });
    }
    return c.json(store.users.token(token.id));
  });

  app.put('/boards/:board/feed-access', async (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'Nastavení feedu desky měnit');
    const board = boardOr404(c.req.param('board'));
    const body = await jsonBody(c);
    if (typeof body.public !== 'boolean') throw bad('bad_request', 'Uveďte „public“: true (feed čte kdokoli) nebo false (jen kiosky desky se svým tokenem).', 422);
    if (store.users.feedPublic(board.id) !== body.public) {
      store.users.setFeedPublic(board.id, body.public);
      store.audit.append({ at: clock.now(), actor: caller.actor, action: 'feed-access-changed', detail: { board: board.id, public: body.public } });
    }
    return c.json({ board: board.id, public: store.users.feedPublic(board.id) });
  });

  legalRoutes(app, ctx, boardFor);
  revisionRoutes(app, ctx, { view, withUpload, parseFields, parseRemoveAttachments }); // corrections: /notices/{id}/revisions
  app.route('/', searchRoutes(ctx));
  app.route('/', inboxRoutes(ctx)); // PUT /boards/{board}/inbox/{externalId} (src-main/inbox/routes.ts)
  app.route('/', userRoutes(ctx)); // users, rights, password, approval (user-routes.ts)
  app.route('/', privacyRoutes(ctx, view)); // redacted copies, retention (src-main/privacy/routes.ts)

  // A sub-app's notFound is not used once mounted, so unknown API paths end here instead.
  app.all('*', (c) => c.json(errorBody('not_found', 'Požadovaná adresa v API neexistuje.'), 404));

  return app;
}
