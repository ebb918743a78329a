/**
 * Extracts the text of attachments in the background, once per SHA-256, and stores it:
 * - in `attachment_texts` (the FTS triggers then index it for every notice with that file);
 * - as a UTF-8 file in the blob store, named by its own SHA-256, which the signed feed carries.
 *
 * Any PDF not yet in `attachment_texts` is picked up, a few at a time, whatever added it (an
 * upload, the inbox, data from before search existed: the backfill at start is the same loop).
 * Each extraction runs in its own worker thread with a time and heap limit; a PDF that fails,
 * hangs or is too big is recorded as "text not available" with the reason and never retried, and
 * nothing about publishing waits for any of this. When a text arrives for a notice on the board
 * (or soon to be), the board gets a publication job, so the feed carries the text.
 */
import type { PublicationTrigger } from '../publisher/context.ts';
import type { Clock } from '../schedule/clock.ts';
import { prepared } from '../store/db.ts';
import type { Store } from '../store/store.ts';
import { runInWorker } from '../workers/run.ts';
import { DEFAULT_EXTRACT_LIMITS, type ExtractedText, type ExtractLimits } from './extract.ts';

const EXTRACT_MODULE = new URL('./extract.ts', import.meta.url);
export const TEXT_MEDIA_TYPE = 'text/plain; charset=utf-8';

export interface IndexerOptions {
  store: Store;
  clock: Clock;
  /** Publication jobs for boards whose notices got a text; none in tools and tests without an engine. */
  trigger?: PublicationTrigger;
  /** PDFs per round (default 4); the loop yields between rounds. */
  batch?: number;
  /** Pause when nothing is pending before looking again, ms (default 2,000). */
  idleMs?: number;
  /** Time limit of one extraction, ms (default 30 s). */
  timeoutMs?: number;
  limits?: ExtractLimits;
  /** The extraction itself; a worker thread with pdf.js unless a test says otherwise. */
  extract?: (file: string, limits: ExtractLimits, timeoutMs: number) => Promise<ExtractedText>;
  onLog?: (line: string) => void;
}

/** pdf.js in a worker thread, bounded in time and heap. */
export function extractInWorker(file: string, limits: ExtractLimits, timeoutMs: number): Promise<ExtractedText> {
  return runInWorker<ExtractedText>(EXTRACT_MODULE, 'extractPdfText', [file, limits], { timeoutMs, maxHeapMb: 256 });
}

export class TextIndexer {
  private readonly o: Required<Omit<IndexerOptions, 'trigger' | 'onLog'>> & Pick<IndexerOptions, 'trigger' | 'onLog'>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** PDFs handed to the extractor since start (each SHA-256 at most once). */
  extractions = 0;

  constructor(o: IndexerOptions) {
    this.o = {
      batch: 4,
      idleMs: 2_000,
      timeoutMs: 30_000,
      limits: DEFAULT_EXTRACT_LIMITS,
      extract: extractInWorker,
      ...o,
    };
  }

  /** Starts the loop (the first round at once: that is the backfill of files from before). */
  start(): void {
    this.stopped = false;
    this.arm(0);
  }

  /** Looks for new files now (after an upload), instead of at the next idle round. */
  kick(): void {
    if (!this.stopped && this.running === null) this.arm(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** PDFs without a recorded text. */
  pending(limit: number): string[] {
    return prepared(this.o.store.db,
      `SELECT b.sha256 FROM blobs b WHERE b.media_type = 'application/pdf'
         AND NOT EXISTS (SELECT 1 FROM attachment_texts t WHERE t.sha256 = b.sha256)
       ORDER BY b.created_at DESC, b.sha256 LIMIT ?`).pluck().all(limit) as string[];
  }

  /** One round: extracts up to `batch` pending PDFs; resolves with how many it did. */
  async runOnce(): Promise<number> {
    const shas = this.pending(this.o.batch);
    for (const sha of shas) {
      if (!this.o.store.db.open) return 0;
      this.extractions++;
      let result: ExtractedText | { error: string };
      try {
        result = await this.o.extract(this.o.store.blobs.path(sha), this.o.limits, this.o.timeoutMs);
      } catch (e) {
        result = { error: e instanceof Error ? e.message : String(e) };
        this.o.onLog?.(`search: text of ${sha.slice(0, 12)} not available: ${result.error}`);
      }
      if (!this.o.store.db.open) return 0;
      this.record(sha, result);
    }
    if (shas.length > 0) await this.republish(shas);
    return shas.length;
  }

  /** Runs rounds until nothing is pending (tests, tools, benchmarks). */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0);
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .catch((e: unknown) => {
          this.o.onLog?.(`search: text extraction failed: ${e instanceof Error ? e.message : String(e)}`);
          return 0;
        })
        .then((n) => {
          this.running = null;
          if (!this.stopped) this.arm(n >= this.o.batch ? 0 : this.o.idleMs);
        });
    }, ms);
    this.timer.unref();
  }

  private record(sha: string, r: ExtractedText | { error: string }): void {
    const { store } = this.o;
    const now = this.o.clock.now();
    store.transaction(() => {
      if ('error' in r) {
        prepared(store.db, `INSERT OR IGNORE INTO attachment_texts (sha256, status, text, error, extracted_at) VALUES (?, 'unavailable', '', ?, ?)`)
          .run(sha, r.error.slice(0, 500), new Date(now).toISOString());
        return;
      }
      const file = r.text === '' ? null : store.blobs.put(Buffer.from(r.text, 'utf8'), TEXT_MEDIA_TYPE, now);
      prepared(store.db,
        `INSERT OR IGNORE INTO attachment_texts (sha256, status, text, pages, truncated, text_sha256, text_size, error, extracted_at)
         VALUES (?, 'ok', ?, ?, ?, ?, ?, NULL, ?)`)
        .run(sha, r.text, r.pages, r.truncated ? 1 : 0, file?.sha256 ?? null, file?.size ?? null, new Date(now).toISOString());
    });
  }

  /** A publication job for each board with a current or coming notice that has one of these files. */
  private async republish(shas: string[]): Promise<void> {
    const { trigger, store } = this.o;
    if (!trigger) return;
    const now = new Date(this.o.clock.now()).toISOString();
    const boards = prepared(store.db,
      `SELECT DISTINCT n.board_id FROM notice_attachments a JOIN notices n ON n.id = a.notice_id
       JOIN attachment_texts t ON t.sha256 = a.sha256
       WHERE a.sha256 IN (SELECT value FROM json_each(?)) AND t.text_sha256 IS NOT NULL
         AND n.published_at IS NOT NULL AND n.withdrawn_at IS NULL AND (n.remove_at IS NULL OR n.remove_at > ?)`)
      .pluck().all(JSON.stringify(shas), now) as string[];
    for (const b of boards) await trigger.commit(b, () => undefined);
  }
}

