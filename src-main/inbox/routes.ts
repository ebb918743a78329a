/**
 * The inbox over HTTP, for document-management systems that push instead of dropping files:
 *
 *   PUT /api/v1/boards/{board}/inbox/{externalId}   multipart/form-data: a "metadata" part (the
 *       JSON of docs/inbox-package.schema.json) and one "files" part per attachment, its file
 *       name as listed in metadata.attachments[].file.
 *
 * Idempotent by external id (the document's id in the sending system): the first PUT makes the
 * notice (201), the same PUT again answers 200 with the same notice, and a PUT with the same id
 * but other content answers 409 (the notice is changed in the clerk app, never by a second
 * import). API tokens only: an integration token for its own boards, or an admin token. The
 * body streams with the upload limits of the API (publisher/uploads.ts).
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import type { AuthEnv } from '../publisher/auth.ts';
import { mayUseBoard } from '../publisher/auth.ts';
import type { PublisherContext } from '../publisher/context.ts';
import { noticeView } from '../publisher/api.ts';
import { readMultipart, totalLimitFor } from '../publisher/uploads.ts';
import { DomainError } from '../store/notices.ts';
import { importDocument } from './import.ts';
import { parseMetadata, type Problem } from './metadata.ts';
import type { StagedFile } from './package.ts';
import { inboxSettings } from './settings.ts';

const EXTERNAL_ID = /^[^\u0000-\u001f\u007f-\u009f]{1,200}$/;

function describe(problems: Problem[]): string {
  return problems
    .slice(0, 10)
    .map((p) => `${p.file}${p.field ? ` ${p.field}` : ''}: ${p.problem}${p.expected ? ` (očekáváno: ${p.expected})` : ''}`)
    .join('; ');
}

export function inboxRoutes(ctx: PublisherContext): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.put('/boards/:board/inbox/:externalId', async (c) => {
    const caller = c.var.caller;
    const board = ctx.store.board(c.req.param('board'));
    if (!board) throw new DomainError('not_found', 'Úřední deska neexistuje.', 404);
    if (caller.token === null || !mayUseBoard(caller, board.id)) {
      throw new DomainError('forbidden', `Do inboxu desky „${board.id}“ smí posílat jen token integrace této desky nebo token správce.`, 403);
    }
    const externalId = c.req.param('externalId');
    if (!EXTERNAL_ID.test(externalId)) throw new DomainError('bad_external_id', 'Identifikátor dokumentu v adrese musí mít 1–200 znaků bez řídicích znaků.', 400);
    const settings = inboxSettings(ctx.store.dataDir, board.id);
    if (!settings.enabled) throw new DomainError('inbox_disabled', `Inbox desky „${board.id}“ je vypnutý (DATA/inbox.json).`, 403);

    const body = await readMultipart(c.req.raw, { maxFileBytes: ctx.maxUploadBytes, maxTotalBytes: totalLimitFor(ctx.maxUploadBytes), tmpDir: join(ctx.store.dataDir, 'tmp') });
    try {
      const meta = body.metadata;
      if (meta === undefined) throw new DomainError('bad_metadata', 'Chybí část „metadata“ s údaji dokumentu (JSON podle docs/inbox-package.schema.json).', 400);
      const source = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>).source : undefined;
      if (source !== null && typeof source === 'object' && !Array.isArray(source)) {
        const s = source as Record<string, unknown>;
        if (s.documentId === undefined) s.documentId = externalId;
        else if (s.documentId !== externalId) {
          throw new DomainError('id_mismatch', `Údaj „source.documentId“ („${String(s.documentId).slice(0, 100)}“) se liší od identifikátoru v adrese („${externalId}“).`, 422);
        }
      }
      const bytes = Buffer.from(JSON.stringify(meta));
      const parsed = parseMetadata('metadata', bytes);
      if (!parsed.ok) throw new DomainError('bad_package', `Dokument nelze přijmout: ${describe(parsed.problems)}`, 422);
      const files = new Map<string, StagedFile>();
      for (const f of body.files) {
        if (files.has(f.name.toLowerCase())) throw new DomainError('bad_package', `Soubor „${f.name}“ je v požadavku dvakrát.`, 422);
        files.set(f.name.toLowerCase(), f);
      }
      const result = await importDocument(ctx, {
        boardId: board.id,
        doc: parsed.doc,
        files,
        metadataName: 'metadata',
        metadataBytes: bytes,
        via: 'http',
        claim: `http:${externalId}`,
        actor: `inbox:${parsed.doc.system}/${caller.actor}`,
        schedule: settings.publish === 'schedule',
      });
      if (result.kind === 'rejected') throw new DomainError('bad_package', `Dokument nelze přijmout: ${describe(result.problems)}`, 422);
      const view = noticeView(result.notice, board, ctx.clock.now());
      const answer = { result: result.kind === 'created' ? 'created' : 'existing', boardId: board.id, system: result.item.system, externalKey: result.item.externalKey, notice: view };
      if (result.kind === 'created') return c.json(answer, 201);
      if (!result.sameContent) {
        throw new DomainError(
          'conflict',
          `Dokument „${externalId}“ už byl importován ${result.item.importedAt} jako oznámení ${result.notice.id} s jiným obsahem. Druhé oznámení nevznikne; změny proveďte v oznámení v aplikaci pro úředníky.`,
          409,
        );
      }
      return c.json(answer, 200);
    } finally {
      await body.discard();
    }
  });

  return app;
}
