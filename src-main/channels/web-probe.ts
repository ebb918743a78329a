/**
 * Channel: what the public can actually reach. After each mirror build (and deploy, where one is
 * configured) a probe fetches the live notice pages at the board's public URL: pages that should
 * have appeared or gone, and a few that should still be there. It records only what it saw
 * ("web:<url>"); where it could not check, it records nothing and the status says why.
 */
import type { MirrorSettings } from '../mirror/settings.ts';
import type { Clock } from '../schedule/clock.ts';
import { isPostedAt, type Board } from '../shared/domain.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { ChannelState, ChannelStatusRepo } from '../publication/status.ts';
import type { Store } from '../store/store.ts';
import { absoluteUrl, noticePath } from '../mirror/paths.ts';
import type { Channel, Delivery } from './runner.ts';
import type { BoardChannelSettings } from './settings.ts';

/** Pages checked per delivery, at most, for each of: new, gone, still there. */
const SAMPLE = 25;

/** The publisher's own preview (/mirror/<board>/ on loopback) is not the public web. */
export function isLocalPreview(url: string, boardId: string): boolean {
  const u = new URL(url);
  return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.pathname.startsWith(`/mirror/${boardId}/`);
}

export interface WebProbeOptions {
  store: Store;
  clock: Clock;
  status: ChannelStatusRepo;
  settings: (boardId: string) => BoardChannelSettings;
  /** The board's mirror settings: their publicUrl (DATA/mirror.json) is where "probe": true looks. */
  mirrorSettings?: (boardId: string) => MirrorSettings;
  timeoutMs?: number;
}

export class WebProbeChannel implements Channel {
  readonly kind = 'web' as const;
  private readonly o: WebProbeOptions;

  constructor(o: WebProbeOptions) {
    this.o = o;
  }

  place(board: Board): string | null {
    const probe = this.o.settings(board.id).probe;
    if (probe === undefined || probe === false) return null;
    const url = probe === true ? (this.o.mirrorSettings?.(board.id).publicUrl ?? board.publicUrl) : probe;
    // No public URL set: there is nothing public to probe.
    if (!/^https?:\/\//.test(url)) return null;
    return isLocalPreview(url, board.id) ? null : url.endsWith('/') ? url : `${url}/`;
  }

  /** After the deploy where one is configured, else after the mirror build. */
  ready(boardId: string): number {
    const deploy = this.o.settings(boardId).deploy !== undefined;
    return this.o.status.deliveredSeq(boardId, deploy ? 'deploy' : 'mirror');
  }

  async deliver(board: Board, seq: number, previous: ChannelState | null): Promise<Delivery> {
    const base = this.place(board)!;
    const s = this.o.store.snapshots.get(board.id, seq);
    if (!s) throw new Error(`snímek ${seq} chybí`);
    const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
    const now = Math.max(this.o.clock.now(), Date.parse(s.createdAt));
    const expected = new Set(manifest.notices.filter((n) => isPostedAt(n, now)).map((n) => n.id));
    const before = new Set(previous?.shown ?? []);
    const appearing = [...expected].filter((id) => !before.has(id)).slice(0, SAMPLE);
    const going = [...before].filter((id) => !expected.has(id)).slice(0, SAMPLE);
    const staying = [...expected].filter((id) => before.has(id)).slice(0, SAMPLE);
    const checks = await Promise.all([...appearing, ...going, ...staying].map(async (id) => ({ id, found: await this.fetchNotice(base, id) })));
    const answered = checks.filter((c) => c.found !== null);
    if (checks.length > 0 && answered.length === 0) {
      throw new Error(`Veřejná adresa ${base} neodpověděla (${this.lastError}); co je na webu vidět, nebylo ověřeno. Zkontrolujte webový server a nasazení.`);
    }
    const at = this.o.clock.now();
    const shown = new Set(before);
    for (const c of answered) {
      if (c.found) shown.add(c.id);
      else shown.delete(c.id);
    }
    const seen = answered.filter((c) => c.found).map((c) => c.id);
    return { shown: [...shown], seen, at, evidence: `web:${base}`, name: `web:${base}` };
  }

  private lastError = '';

  /** true: the page is there with this notice; false: 404/410; null: could not tell. */
  private async fetchNotice(base: string, id: string): Promise<boolean | null> {
    const url = absoluteUrl({ publicUrl: base }, noticePath(id));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000), redirect: 'follow', headers: { 'Cache-Control': 'no-cache' } });
      if (res.status === 404 || res.status === 410) return false;
      if (!res.ok) {
        this.lastError = `HTTP ${res.status}`;
        return null;
      }
      return (await res.text()).includes(noticePath(id));
    } catch (e) {
      this.lastError = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      return null;
    }
  }
}
