/**
 * The feed as an anonymous reader of a PUBLIC feed gets it (PUT /api/v1/boards/{board}/feed-access):
 * the current snapshot with every full document that has a redacted copy replaced by that copy
 * (privacy/public.ts), signed with the board's key like the original, so a kiosk without a token
 * still verifies it. Kiosks with their token get the snapshot as it is. A snapshot without such
 * documents is served unchanged to everyone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, signBytes } from '../publication/signing.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { StoredSnapshot } from '../store/snapshots.ts';
import { hasPrivateFiles, publicManifest } from './public.ts';

export class PublicFeedVariants {
  private readonly dataDir: string;
  private readonly cache = new Map<string, StoredSnapshot>();

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** The snapshot for an anonymous reader. */
  of(s: StoredSnapshot): StoredSnapshot {
    const hit = this.cache.get(s.boardId);
    if (hit && hit.seq === s.seq) return hit;
    const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
    let out = s;
    if (hasPrivateFiles(manifest)) {
      const bytes = Buffer.from(JSON.stringify(publicManifest(manifest)), 'utf8');
      const key = readFileSync(join(this.dataDir, 'keys', 'board.key'), 'utf8');
      out = { ...s, manifest: bytes, signature: signBytes(bytes, key), sha256: sha256Hex(bytes) };
    }
    this.cache.set(s.boardId, out);
    return out;
  }
}
