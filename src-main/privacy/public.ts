/**
 * What the public may see of a notice's files. Where an attachment has a redacted copy, the web
 * mirror, the OFN export, the daily digest and a public feed show the copy in its place and never
 * name the full document (its hash, URL, name or extracted text); kiosks get the full document
 * through their signed feed. Pure: imported by the mirror's worker thread.
 */
import type { AttachmentRef } from '../shared/domain.ts';
import type { FeedAttachment, FeedManifest, FeedNotice } from '../shared/feed.ts';

/** The attachment as the public sees it: its redacted copy where it has one, else itself. */
export function publicAttachment(a: FeedAttachment | AttachmentRef): FeedAttachment {
  if (a.redacted) return { sha256: a.redacted.sha256, name: a.redacted.name, size: a.redacted.size, mediaType: 'application/pdf' };
  const { redacted: _none, ...rest } = a;
  return rest;
}

/** Whether a notice has anything the public must not get as it is: a full document with a redacted copy, or personal data named in its change register. */
function needsPublicCopy(n: FeedNotice): boolean {
  return n.attachments.some((a) => a.redacted !== undefined) || (n.register !== undefined && (n.personalData === true || n.register.some((r) => r.changes.some((c) => c.field === 'attachments'))));
}

/**
 * The notice with only public files. Its change register names documents: a document with a
 * redacted copy is named by the copy, and a document no longer attached (its name may carry the
 * personal data the copy hides) is not named on a notice with redacted copies or personal data.
 */
export function publicNotice<T extends FeedNotice>(n: T): T {
  if (!needsPublicCopy(n)) return n;
  const sensitive = n.personalData === true || n.attachments.some((a) => a.redacted !== undefined);
  const shown = new Map(n.attachments.map((a) => [a.name, a.redacted ? a.redacted.name : a.name]));
  const name = (x: string): string => shown.get(x) ?? (sensitive ? 'dokument (název se nezveřejňuje)' : x);
  const register = n.register?.map((r) => ({
    ...r,
    changes: r.changes.map((c) => (c.field === 'attachments' ? { ...c, ...(c.added ? { added: c.added.map(name) } : {}), ...(c.removed ? { removed: c.removed.map(name) } : {}) } : c)),
  }));
  return { ...n, attachments: n.attachments.map(publicAttachment), ...(register ? { register } : {}) };
}

/** The manifest with only public files (the mirror is built from this, never from the kiosks' one). */
export function publicManifest(m: FeedManifest): FeedManifest {
  if (!m.notices.some(needsPublicCopy)) return m;
  return { ...m, notices: m.notices.map(publicNotice) };
}

/** True when a manifest has anything the public must not get as it is (a full document with a redacted copy, or document names in a register). */
export function hasPrivateFiles(m: FeedManifest): boolean {
  return m.notices.some(needsPublicCopy);
}
