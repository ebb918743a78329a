/**
 * Corrections of posted notices in the API (mounted by api.ts under /api/v1, after sign-in):
 *   GET  /notices/{id}/revisions   the change register, and what a correction now would do to the period
 *   POST /notices/{id}/revisions   correct a posted notice: multipart, a `metadata` JSON part with the
 *                                  changed fields, `reason` and `restartPeriod`, and new PDFs as `files`
 * The notice keeps its id and public URL; the store (store/revisions.ts) keeps every revision.
 */
import type { Hono } from 'hono';
import type { Notice, NoticeFields } from '../shared/domain.ts';
import type { NoticeView } from '../shared/api-types.ts';
import type { NoticeRevision, RevisionsResponse } from '../shared/revisions.ts';
import type { CorrectionPatch } from '../store/revisions.ts';
import { DomainError, type NewAttachment } from '../store/notices.ts';
import type { MultipartBody } from './uploads.ts';
import type { AuthEnv } from './auth.ts';
import type { PublisherContext } from './context.ts';
import { cleanText } from './input.ts';

export interface RevisionRouteDeps {
  view: (n: Notice) => NoticeView;
  withUpload: <T>(req: Request, run: (body: MultipartBody, storeFiles: () => NewAttachment[]) => Promise<T>) => Promise<T>;
  /** api.ts's parsing of notice fields in metadata (texts cleaned, instants to UTC). */
  parseFields: (meta: unknown) => Partial<NoticeFields>;
  parseRemoveAttachments: (meta: unknown) => string[];
}

/** POST /notices/{id}/revisions answers with the notice as it is now and the revision just recorded. */
export interface CorrectionResponse {
  notice: NoticeView;
  revision: NoticeRevision;
}

const REASON_REQUIRED = 'Uveďte důvod opravy (alespoň 3 znaky): proč se vyvěšené oznámení mění. Důvod se zobrazí v rejstříku změn na webu a na potvrzení o vyvěšení.';

export function revisionRoutes(app: Hono<AuthEnv>, ctx: PublisherContext, deps: RevisionRouteDeps): void {
  const { store, clock } = ctx;

  app.get('/notices/:id/revisions', (c) => {
    const n = store.notices.require(c.req.param('id'));
    const body: RevisionsResponse = { noticeId: n.id, revisions: store.revisions.list(n.id), preview: store.revisions.preview(n.id, clock.now()) };
    return c.json(body);
  });

  app.post('/notices/:id/revisions', async (c) => {
    const existing = store.notices.require(c.req.param('id'));
    return deps.withUpload(c.req.raw, async ({ metadata }, storeFiles) => {
      if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
        throw new DomainError('bad_metadata', 'Chybí část „metadata“ (objekt JSON) s opravenými údaji, důvodem opravy „reason“ a volbou „restartPeriod“.', 400);
      }
      const m = metadata as Record<string, unknown>;
      if (typeof m.reason !== 'string' || m.reason.trim().length < 3) throw new DomainError('reason_required', REASON_REQUIRED, 422);
      const reason = cleanText('Důvod opravy', m.reason.trim(), { multiline: true, max: 2000 });
      if (typeof m.restartPeriod !== 'boolean') {
        throw new DomainError('restart_required',
          'Rozhodněte, zda oprava znovu spouští lhůtu vyvěšení: „restartPeriod“: true (lhůta běží znovu ode dne opravy) nebo false (jen překlep, lhůta se nemění).', 422);
      }
      const f = deps.parseFields(m);
      if (f.postAt !== undefined) {
        throw new DomainError('post_at_fixed', 'Okamžik vyvěšení už nastal a opravou se nemění. Má-li lhůta běžet znovu, zvolte „restartPeriod“: true.', 422);
      }
      if (f.personalData !== undefined) {
        // Not part of a revision's content: ignoring it would leave the clerk believing the notice is protected.
        throw new DomainError('personal_data_not_corrected',
          'Příznak „obsahuje osobní údaje“ se opravou nemění. Vyvěšené oznámení ho dostane úpravou (PATCH /notices/{id} s „personalData“: true); odebrat ho už nelze.', 422);
      }
      const { postAt: _postAt, personalData: _personalData, ...patch } = f;
      const removeShas = deps.parseRemoveAttachments(m);
      const now = clock.now();
      const notice = await ctx.engine.commit(existing.boardId, () =>
        store.revisions.correct(existing.id, { patch: patch as CorrectionPatch, add: storeFiles(), removeShas, reason, restartPeriod: m.restartPeriod as boolean }, c.var.caller.actor, now),
      );
      const body: CorrectionResponse = { notice: deps.view(notice), revision: store.revisions.list(notice.id).at(-1)! };
      return c.json(body, 201);
    });
  });
}
