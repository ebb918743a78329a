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

/** The notice with only public files. */
export function publicNotice<T extends FeedNotice>(n: T): T {
  if (!n.attachments.some((a) => a.redacted !== undefined)) return n;
  return { ...n, attachments: n.attachments.map(publicAttachment) };
}

/** The manifest with only public files (the mirror is built from this, never from the kiosks' one). */
export function publicManifest(m: FeedManifest): FeedManifest {
  if (!m.notices.some((n) => n.attachments.some((a) => a.redacted !== undefined))) return m;
  return { ...m, notices: m.notices.map(publicNotice) };
}

/** True when a manifest has anything the public must not get as it is (a full document with a redacted copy). */
export function hasPrivateFiles(m: FeedManifest): boolean {
  return m.notices.some((n) => n.attachments.some((a) => a.redacted !== undefined));
}
