/** The one place that touches chokidar: watch paths, get called on changes, dispose. */
import { watch as chokidarWatch } from 'chokidar';

export interface WatchOptions {
  /** Use polling (network shares that do not deliver file events). */
  usePolling?: boolean;
  interval?: number;
}

export interface WatchHandlers {
  /** A file was added, changed or removed. */
  onChange(path: string): void;
  onError?(error: Error): void;
  onReady?(): void;
}

/** Starts watching; returns a disposer that stops it. */
export function watch(paths: string | string[], opts: WatchOptions, handlers: WatchHandlers): () => Promise<void> {
  const w = chokidarWatch(paths, {
    ignoreInitial: true,
    usePolling: opts.usePolling ?? false,
    interval: opts.interval ?? 1000,
    // Wait until a writer is done before reporting (a copied PDF arrives in pieces).
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });
  w.on('add', handlers.onChange);
  w.on('change', handlers.onChange);
  w.on('unlink', handlers.onChange);
  w.on('error', (e) => handlers.onError?.(e instanceof Error ? e : new Error(String(e))));
  w.on('ready', () => handlers.onReady?.());
  return () => w.close();
}
