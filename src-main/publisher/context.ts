/** What every publisher route needs; built once by server.ts and passed down. */
import type { Clock } from '../schedule/clock.ts';
import type { Store } from '../store/store.ts';

export interface PublicationTrigger {
  /** Call after any change to a board's notices: builds, signs and pushes a new snapshot. */
  changed(boardId: string): Promise<void>;
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
