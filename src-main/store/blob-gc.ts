/**
 * Orphan attachment files. An upload is moved into DATA/blobs inside the transaction that
 * registers it; a publisher killed (kill -9, power loss) after the move and before the commit
 * leaves a file that no row registers. Such files are removed at start and every ten minutes,
 * each removal recorded in the audit log. A file is removed only when ALL of these hold:
 * - no `blobs` row registers it (every stored attachment, also one an older revision had,
 *   keeps its row for good);
 * - no notice's attachment row and no recorded event (a notice's state or an edit's detail)
 *   names its hash;
 * - it was last written more than `minAgeMs` ago, so an upload being committed right now (by
 *   this process or by a `deska` command in another one) is never touched.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSha256 } from '../shared/feed.ts';
import type { Store } from './store.ts';

export const ORPHAN_MIN_AGE_MS = 10 * 60_000;

export interface CollectedBlob {
  file: string;
  bytes: number;
}

/** Removes orphan files from DATA/blobs (see the module comment); returns what it removed. */
export function collectOrphanBlobs(store: Store, now: number, minAgeMs = ORPHAN_MIN_AGE_MS): CollectedBlob[] {
  const removed: CollectedBlob[] = [];
  const registered = store.db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?');
  const attached = store.db.prepare('SELECT 1 FROM notice_attachments WHERE sha256 = ? LIMIT 1');
  const logged = store.db.prepare("SELECT 1 FROM events WHERE instr(detail, ?) > 0 OR instr(coalesce(state, ''), ?) > 0 LIMIT 1");
  let shards: string[];
  try {
    shards = readdirSync(store.blobs.dir);
  } catch {
    return removed;
  }
  for (const shard of shards) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    const dir = join(store.blobs.dir, shard);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      // "<sha>" (a moved upload) or "<sha>.<pid>.tmp" (a move cut off half way).
      const sha = name.slice(0, 64);
      if (!isSha256(sha) || sha.slice(0, 2) !== shard || !(name.length === 64 || /^\.\d+\.tmp$/.test(name.slice(64)))) continue;
      const file = join(dir, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(file);
      } catch {
        continue;
      }
      if (!st.isFile() || now - st.mtimeMs < minAgeMs) continue;
      if (name.length === 64 && (registered.get(sha) || attached.get(sha) || logged.get(sha, sha))) continue;
      rmSync(file, { force: true });
      removed.push({ file: `${shard}/${name}`, bytes: st.size });
    }
  }
  if (removed.length > 0) {
    store.transaction(() =>
      store.audit.append({
        at: now,
        actor: 'system:blob-gc',
        action: 'blobs-collected',
        detail: {
          reason: 'soubory příloh, které žádný záznam neeviduje (nahrávání přerušené před uložením)',
          files: removed,
        },
      }),
    );
  }
  return removed;
}
