/**
 * Setting or removing the redacted public copy of an attachment. Like adding an attachment, this
 * changes what the board shows, so it is allowed while the notice is a draft or scheduled, bumps
 * its revision (the next snapshot carries it) and is an `edited` event in the audit log. Like an
 * edit, it cancels a pending submission for approval, and on a four-eyes board it is refused once
 * the notice is approved (store/approvals.ts guardApproved). Who may do it: publisher/rights.ts.
 */
import type { Notice } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import { prepared } from '../store/db.ts';
import { DomainError } from '../store/notices.ts';
import type { Store } from '../store/store.ts';

export interface RedactedUpload {
  sha256: string;
  name: string;
  size: number;
}

/** Sets (copy) or removes (null) the redacted copy of attachment `sha256` of a notice; returns the notice. */
export function setRedactedCopy(store: Store, noticeId: string, sha256: string, copy: RedactedUpload | null, actor: string, now: number): Notice {
  const n = store.notices.require(noticeId);
  const a = n.attachments.find((x) => x.sha256 === sha256);
  if (!a) throw new DomainError('unknown_attachment', `Oznámení nemá přílohu s otiskem ${sha256}. Obnovte stránku a zkuste to znovu.`, 404);
  const state = noticeStateAt(n, now);
  if (state !== 'draft' && state !== 'scheduled') {
    throw new DomainError('posted_immutable', 'Začerněnou kopii lze přidat nebo odebrat jen u konceptu nebo naplánovaného oznámení. Vyvěšené oznámení stáhněte a zveřejněte znovu se začerněnou kopií.', 409);
  }
  if (copy !== null && n.attachments.some((x) => x.sha256 === copy.sha256)) {
    throw new DomainError('redacted_same', 'Začerněná kopie je totožná s dokumentem přiloženým k oznámení. Nahrajte dokument, ve kterém jsou osobní údaje skutečně začerněny.', 422);
  }
  if (copy === null && a.redacted === undefined) return n;
  if (copy !== null && a.redacted?.sha256 === copy.sha256 && a.redacted.name === copy.name) return n;
  // What the public sees changes: on a four-eyes board an approved notice stays as approved.
  store.approvals.guardApproved(n, now, false);
  const iso = new Date(now).toISOString();
  store.transaction(() => {
    prepared(store.db, 'UPDATE notice_attachments SET redacted_sha256 = ?, redacted_name = ? WHERE notice_id = ? AND sha256 = ?')
      .run(copy?.sha256 ?? null, copy?.name ?? null, noticeId, sha256);
    prepared(store.db, 'UPDATE notices SET updated_at = ?, revision = revision + 1 WHERE id = ?').run(iso, noticeId);
    store.audit.append({
      at: now,
      actor,
      action: 'edited',
      noticeId,
      detail: {
        redacted: {
          attachment: sha256,
          name: a.name,
          from: a.redacted ? { sha256: a.redacted.sha256, name: a.redacted.name } : null,
          to: copy ? { sha256: copy.sha256, name: copy.name } : null,
        },
      },
    });
    // Like any edit, it withdraws a pending submission: what is approved must be what was seen.
    store.approvals.afterEdit(noticeId, actor, now);
  });
  return store.notices.require(noticeId);
}
