/** What every publisher route needs; built once by server.ts and passed down. */
import type { Clock } from '../schedule/clock.ts';
import type { Store } from '../store/store.ts';

export interface PublicationTrigger {
  /**
   * Runs `change` (synchronous store writes) in one transaction together with a publication job
   * for the board, and resolves with its result once that commit is done. A publication failure
   * never rejects this promise: the change is kept and the job retried (see publication/).
   */
  commit<T>(boardId: string, change: () => T): Promise<T>;
}

export interface PublisherContext {
  store: Store;
  clock: Clock;
  engine: PublicationTrigger;
  /** Largest accepted upload, bytes (per file). */
  maxUploadBytes: number;
  /** Folder with the built renderer (dist/renderer). */
  rendererDir: string;
}
