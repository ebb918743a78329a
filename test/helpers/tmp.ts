/** A fresh temporary directory per test, removed afterwards unless DESKA_KEEP_TMP is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'deska-test-'): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    [Symbol.dispose]() {
      if (!process.env.DESKA_KEEP_TMP) rmSync(path, { recursive: true, force: true });
    },
  };
}
