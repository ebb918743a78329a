/**
 * The extracted text of attachments in the signed feed: each attachment whose text is known gets
 * `textSha256` and `textSize`, naming a UTF-8 file served under files/ like the attachments, so
 * the manifest stays small and kiosks can index the text offline.
 */
import { prepared, type Db } from '../store/db.ts';
import type { FeedNotice } from '../shared/feed.ts';

/** The notices with the text files of their attachments named (those extracted so far). */
export function withAttachmentTexts(db: Db, notices: FeedNotice[]): FeedNotice[] {
  const shas = [...new Set(notices.flatMap((n) => n.attachments.map((a) => a.sha256)))];
  if (shas.length === 0) return notices;
  const rows = prepared(db,
    `SELECT sha256, text_sha256, text_size FROM attachment_texts
     WHERE sha256 IN (SELECT value FROM json_each(?)) AND text_sha256 IS NOT NULL`)
    .all(JSON.stringify(shas)) as { sha256: string; text_sha256: string; text_size: number }[];
  if (rows.length === 0) return notices;
  const text = new Map(rows.map((r) => [r.sha256, r]));
  return notices.map((n) => ({
    ...n,
    attachments: n.attachments.map((a) => {
      const t = text.get(a.sha256);
      return t ? { ...a, textSha256: t.text_sha256, textSize: t.text_size } : a;
    }),
  }));
}

/** Text files named by these notices (the feed serves them beside the attachments). */
export function textFilesOf(notices: FeedNotice[]): string[] {
  return notices.flatMap((n) => n.attachments.flatMap((a) => (a.textSha256 ? [a.textSha256] : [])));
}
