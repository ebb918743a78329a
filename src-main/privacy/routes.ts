/**
 * Privacy in the publisher API (mounted by publisher/api.ts behind its authentication; documented
 * in publisher/openapi.json):
 * - PUT /notices/{id}/attachments/{sha256}/redacted: multipart with one PDF (part "files", as every upload), the
 *   redacted public copy of that attachment; checked like any upload (limits while it streams, PDF
 *   by content in a worker thread). DELETE the same path removes the copy.
 * - GET /boards/{board}/privacy, PUT (admins): the board's retention of purged files, in days.
 * The "contains personal data" flag itself is the notice field `personalData` (parsePrivacyFields).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { join } from 'node:path';
import type { Notice } from '../shared/domain.ts';
import type { NoticeView } from '../shared/api-types.ts';
import { isSha256 } from '../shared/feed.ts';
import { isAdmin, mayUseBoard, type AuthEnv } from '../publisher/auth.ts';
import type { PublisherContext } from '../publisher/context.ts';
import { readJsonObject, BODY_LIMITS } from '../http/body.ts';
import { isFsError, readMultipart, storageRefusal, totalLimitFor } from '../publisher/uploads.ts';
import { DomainError } from '../store/notices.ts';
import { setRedactedCopy } from './redaction.ts';
import { MAX_RETENTION_DAYS, privacySettings, setRetentionDays } from './settings.ts';

const bad = (code: string, message: string, status = 422): DomainError => new DomainError(code, message, status);

/** The privacy fields of a notice's metadata (create, edit, inbox): `personalData`, a boolean. */
export function parsePrivacyFields(m: Record<string, unknown>): { personalData?: boolean } {
  if (m.personalData === undefined) return {};
  if (typeof m.personalData !== 'boolean') throw bad('bad_metadata', 'Údaj „personalData“ (obsahuje osobní údaje) musí být true nebo false.');
  return { personalData: m.personalData };
}

export function privacyRoutes(ctx: PublisherContext, view: (n: Notice) => NoticeView): Hono<AuthEnv> {
  const { store, clock } = ctx;
  const app = new Hono<AuthEnv>();
  const tmpDir = join(store.dataDir, 'tmp');

  const boardFor = (c: Context<AuthEnv>): string => {
    const id = c.req.param('board') ?? '';
    if (!store.board(id)) throw bad('not_found', 'Úřední deska neexistuje.', 404);
    if (!mayUseBoard(c.var.caller, id)) throw bad('forbidden', `Tento token nemá přístup k úřední desce „${id}“.`, 403);
    return id;
  };
  const attachmentOf = (c: Context<AuthEnv>): { notice: Notice; sha256: string } => {
    const notice = store.notices.require(c.req.param('id') ?? '');
    const sha256 = c.req.param('sha256') ?? '';
    if (!isSha256(sha256)) throw bad('unknown_attachment', 'Otisk přílohy musí být SHA-256 (64 znaků 0–9 a a–f).', 404);
    return { notice, sha256 };
  };

  app.put('/notices/:id/attachments/:sha256/redacted', async (c) => {
    const { notice, sha256 } = attachmentOf(c);
    const body = await readMultipart(c.req.raw, { maxFileBytes: ctx.maxUploadBytes, maxTotalBytes: totalLimitFor(ctx.maxUploadBytes), tmpDir });
    let created = false;
    try {
      if (body.files.length !== 1) {
        throw bad('redacted_file_required', 'Pošlete právě jeden soubor PDF se začerněnou kopií (část „files“).', 400);
      }
      const f = body.files[0]!;
      const updated = await ctx.engine.commit(notice.boardId, () => {
        let stored: ReturnType<typeof store.blobs.putFile>;
        try {
          stored = store.blobs.putFile(f.path, f.sha256, f.size, 'application/pdf', clock.now());
        } catch (e) {
          throw isFsError(e) ? storageRefusal(e, 'blobs') : e;
        }
        created = stored.created;
        return setRedactedCopy(store, notice.id, sha256, { sha256: stored.sha256, name: f.name, size: stored.size }, c.var.caller.actor, clock.now());
      });
      return c.json(view(updated));
    } catch (e) {
      if (created) store.blobs.removeUnreferenced([body.files[0]!.sha256]);
      throw e;
    } finally {
      await body.discard();
    }
  });

  app.delete('/notices/:id/attachments/:sha256/redacted', async (c) => {
    const { notice, sha256 } = attachmentOf(c);
    const updated = await ctx.engine.commit(notice.boardId, () => setRedactedCopy(store, notice.id, sha256, null, c.var.caller.actor, clock.now()));
    return c.json(view(updated));
  });

  app.get('/boards/:board/privacy', (c) => c.json(privacySettings(store.db, boardFor(c))));

  app.put('/boards/:board/privacy', async (c) => {
    const board = boardFor(c);
    if (!isAdmin(c.var.caller)) throw bad('forbidden', 'Nastavení ochrany osobních údajů desky může měnit jen správce.', 403);
    const body = await readJsonObject(c.req.raw, BODY_LIMITS.json);
    const days = body.retentionDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
      throw bad('bad_retention', `Lhůta uchování „retentionDays“ musí být celý počet dní od 0 do ${MAX_RETENTION_DAYS} (výchozí 30).`);
    }
    const before = privacySettings(store.db, board).retentionDays;
    if (before !== days || privacySettings(store.db, board).isDefault) {
      const now = clock.now();
      store.transaction(() => {
        setRetentionDays(store.db, board, days, now);
        store.audit.append({ at: now, actor: c.var.caller.actor, action: 'privacy-settings-changed', detail: { board, retentionDays: { from: before, to: days } } });
      });
    }
    return c.json(privacySettings(store.db, board));
  });

  return app;
}
