/**
 * Channel: the feed written as files to a folder (for kiosks that watch a network share):
 * attachments by hash first, then the signature, the manifest last, each by atomic rename.
 */
import { copyFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock } from '../schedule/clock.ts';
import { isPostedAt, type Board } from '../shared/domain.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { Store } from '../store/store.ts';
import type { Channel, Delivery } from './runner.ts';

export class FeedFolderChannel implements Channel {
  readonly kind = 'feed-folder' as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly folder: (boardId: string) => string | null;

  constructor(store: Store, clock: Clock, folder: (boardId: string) => string | null) {
    this.store = store;
    this.clock = clock;
    this.folder = folder;
  }

  place(board: Board): string | null {
    const dir = this.folder(board.id);
    return dir === null ? null : resolve(dir);
  }

  ready(boardId: string): number {
    return this.store.snapshots.latestSeq(boardId);
  }

  async deliver(board: Board, seq: number): Promise<Delivery> {
    const dir = this.place(board)!;
    const s = this.store.snapshots.get(board.id, seq);
    if (!s) throw new Error(`snímek ${seq} chybí`);
    const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
    try {
      await mkdir(join(dir, 'files'), { recursive: true });
      for (const n of manifest.notices) {
        for (const sha of n.attachments.flatMap((a) => (a.textSha256 ? [a.sha256, a.textSha256] : [a.sha256]))) {
          const target = join(dir, 'files', sha);
          if (await stat(target).then(() => true, () => false)) continue;
          await copyFile(this.store.blobs.path(sha), `${target}.tmp`);
          await rename(`${target}.tmp`, target);
        }
      }
      // Signature first, manifest last: a reader that sees the new manifest also finds its signature.
      for (const [name, data] of [['manifest.json.sig', s.signature], ['manifest.json', s.manifest]] as const) {
        await writeFile(join(dir, `${name}.tmp`), data);
        await rename(join(dir, `${name}.tmp`), join(dir, name));
      }
    } catch (e) {
      throw new Error(`Složku s feedem ${dir} nelze zapsat: ${e instanceof Error ? e.message : String(e)}. Zkontrolujte cestu a oprávnění.`);
    }
    const at = Math.max(this.clock.now(), Date.parse(s.createdAt));
    return { shown: manifest.notices.filter((n) => isPostedAt(n, at)).map((n) => n.id), at, name: `feed-folder:${dir}` };
  }
}
