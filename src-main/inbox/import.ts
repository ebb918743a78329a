/**
 * One checked document into the store, exactly once: the same path the API takes
 * (PublicationTrigger.commit: the notice, its attachments, its audit event and a publication job
 * in one transaction) plus the inbox row whose UNIQUE key (board, system, document id or číslo
 * jednací) makes a second import of the same document impossible. Shared by the watched folder
 * (folder.ts) and the HTTP push (routes.ts).
 */
import { createHash } from 'node:crypto';
import type { Notice, NoticeFields } from '../shared/domain.ts';
import { DomainError, type NewAttachment } from '../store/notices.ts';
import type { PublisherContext } from '../publisher/context.ts';
import { requestWorkers, runInWorker } from '../workers/run.ts';
import { inboxAnchor, InboxItems, type InboxItem } from './items.ts';
import { externalKey, type InboxDocument, type Problem } from './metadata.ts';
import type { StagedFile } from './package.ts';

export interface ImportRequest {
  boardId: string;
  doc: InboxDocument;
  /** The package's files by lower-case name (checked against doc.attachments here). */
  files: Map<string, StagedFile>;
  /** The metadata file's name (for problems) and bytes (part of the package digest). */
  metadataName: string;
  metadataBytes: Uint8Array;
  via: 'folder' | 'http';
  /** Names this delivery: the claimed package, or "http:<externalId>". */
  claim: string;
  actor: string;
  /** Publish at once as a scheduled notice when the posting instant is not past. */
  schedule: boolean;
}

export type ImportResult =
  | { kind: 'created'; notice: Notice; item: InboxItem; note: string }
  /** This very delivery was imported before (a restart resumed it). */
  | { kind: 'resumed'; notice: Notice; item: InboxItem; sameContent: boolean }
  /** The same key arrived before from another delivery. */
  | { kind: 'duplicate'; notice: Notice; item: InboxItem; sameContent: boolean }
  | { kind: 'rejected'; problems: Problem[] };

const PDF_CHECK_MODULE = new URL('./pdf-check.ts', import.meta.url);

/** The package's digest: its metadata and its files' hashes, in attachment order. */
function packageDigest(r: ImportRequest, atts: StagedFile[]): string {
  const h = createHash('sha256').update(r.metadataBytes);
  for (const f of atts) h.update(`\n${f.name}\n${f.sha256}`);
  return h.digest('hex');
}

/** The package's files against its attachment list: every listed file present, nothing unlisted. */
function matchFiles(r: ImportRequest): { atts: StagedFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const atts: StagedFile[] = [];
  const listed = new Set<string>();
  r.doc.attachments.forEach((a, i) => {
    const f = r.files.get(a.file.toLowerCase());
    listed.add(a.file.toLowerCase());
    if (!f) problems.push({ file: r.metadataName, field: `/attachments/${i}/file`, problem: `soubor „${a.file}“ v balíčku chybí`, expected: 'každý soubor ze seznamu příloh přiložený v balíčku' });
    else atts.push(f);
  });
  for (const [key, f] of r.files) {
    if (!listed.has(key)) problems.push({ file: f.name, problem: 'soubor není uveden v seznamu příloh „attachments“ v metadatech', expected: 'jen soubory ze seznamu příloh (soubor doplňte do seznamu, nebo jej z balíčku odeberte)' });
  }
  return { atts, problems };
}

/**
 * Imports a document whose metadata already passed metadata.ts. Checks the files (PDF by
 * content, in a worker thread), then commits once; never throws for bad input.
 */
export async function importDocument(ctx: PublisherContext, r: ImportRequest): Promise<ImportResult> {
  const { store, clock } = ctx;
  const items = new InboxItems(store.db);
  const board = store.board(r.boardId);
  if (!board) return { kind: 'rejected', problems: [{ file: r.metadataName, problem: `úřední deska „${r.boardId}“ neexistuje`, expected: 'složka inboxu existující desky' }] };
  const { atts, problems } = matchFiles(r);
  if (problems.length > 0) return { kind: 'rejected', problems };
  const key = externalKey(r.doc);
  const digest = packageDigest(r, atts);

  const known = (): ImportResult | null => {
    const item = items.find(board.id, r.doc.system, key);
    if (!item) return null;
    const notice = store.notices.require(item.noticeId);
    const sameContent = item.packageSha256 === digest;
    return item.claim === r.claim ? { kind: 'resumed', notice, item, sameContent } : { kind: 'duplicate', notice, item, sameContent };
  };
  const before = known();
  if (before) return before;

  if (atts.length > 0) {
    const refusals = await requestWorkers.run(() =>
      runInWorker<Problem[]>(PDF_CHECK_MODULE, 'checkPackagePdfs', [atts.map((f) => ({ name: f.name, path: f.path }))], { timeoutMs: 120_000 }),
    );
    if (refusals.length > 0) return { kind: 'rejected', problems: refusals };
  }

  // From here on synchronous up to the commit: nothing else can import the same key meanwhile.
  const raced = known();
  if (raced) return raced;
  const now = clock.now();
  const fields: NoticeFields = {
    title: r.doc.title,
    description: r.doc.description,
    category: r.doc.category,
    department: r.doc.department,
    referenceNumber: r.doc.referenceNumber,
    fileMark: r.doc.fileMark,
    postAt: r.doc.postAt,
    removeAt: r.doc.removeAt,
    personalData: r.doc.personalData,
  };
  // The notice type column comes with the legal-periods migration; pass the type on where it exists.
  const withType = (r.doc.type !== null && items.noticesHaveType() ? { ...fields, type: r.doc.type } : fields) as NoticeFields;
  // On a board with four eyes (store/approvals.ts), "publish" means: submit for a person's approval.
  const fourEyes = store.rights.fourEyes(board.id);
  const publishNow = r.schedule && r.doc.postAt !== null && Date.parse(r.doc.postAt) >= now;
  const note = !r.schedule
    ? 'Založeno jako koncept: zkontrolujte jej a zveřejněte v aplikaci pro úředníky.'
    : publishNow
      ? (fourEyes ? 'Předloženo ke schválení: deska vyžaduje schválení druhou osobou.' : 'Zveřejněno jako naplánované oznámení.')
      : 'Založeno jako koncept, protože datum vyvěšení chybí nebo je v minulosti: doplňte je a zveřejněte oznámení v aplikaci.';
  const created: string[] = [];
  try {
    const notice = await ctx.engine.commit(board.id, () => {
      const stored: NewAttachment[] = atts.map((f, i) => {
        const put = store.blobs.putFile(f.path, f.sha256, f.size, 'application/pdf', now);
        if (put.created) created.push(put.sha256);
        return { sha256: put.sha256, size: put.size, name: r.doc.attachments[i]!.name };
      });
      let n = store.notices.create(board, withType, stored, r.actor, now);
      if (publishNow && fourEyes) store.approvals.submit(n.id, r.actor, now);
      else if (publishNow) n = store.notices.publish(n.id, r.actor, now);
      items.insert({
        boardId: board.id,
        system: r.doc.system,
        externalKey: key,
        noticeId: n.id,
        documentId: r.doc.documentId,
        referenceNumber: r.doc.referenceNumber === '' ? null : r.doc.referenceNumber,
        noticeType: r.doc.type,
        packageSha256: digest,
        claim: r.claim,
        via: r.via,
        importedAt: new Date(now).toISOString(),
      });
      // The row that makes later copies duplicates is anchored in the hash chain, so a row forged
      // in the database (to make a real package count as a duplicate) fails `audit verify`.
      store.audit.append({
        at: now,
        actor: r.actor,
        action: 'inbox-imported',
        noticeId: n.id,
        detail: { ...inboxAnchor({ boardId: board.id, system: r.doc.system, externalKey: key, documentId: r.doc.documentId, referenceNumber: r.doc.referenceNumber === '' ? null : r.doc.referenceNumber, packageSha256: digest, via: r.via, claim: r.claim }) },
      });
      return n;
    });
    return { kind: 'created', notice, item: items.find(board.id, r.doc.system, key)!, note };
  } catch (e) {
    store.blobs.removeUnreferenced(created);
    if (e instanceof DomainError) return { kind: 'rejected', problems: [{ file: r.metadataName, problem: e.message, expected: 'údaje, které by přijala i aplikace pro úředníky' }] };
    throw e;
  }
}
