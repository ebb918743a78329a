/**
 * Channel: the board's deploy command (e.g. rsync to the public web server), run after each
 * mirror build on the release just built. Evidence names its target ("deploy:<target>"); the
 * notices it deployed are the ones that mirror release showed.
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import type { Clock } from '../schedule/clock.ts';
import type { Board } from '../shared/domain.ts';
import type { ChannelStatusRepo } from '../publication/status.ts';
import type { Channel, Delivery } from './runner.ts';
import type { BoardChannelSettings } from './settings.ts';

export class DeployChannel implements Channel {
  readonly kind = 'deploy' as const;
  private readonly clock: Clock;
  private readonly status: ChannelStatusRepo;
  private readonly settings: (boardId: string) => BoardChannelSettings;
  private readonly mirrorDir: (boardId: string) => string | null;

  constructor(o: { clock: Clock; status: ChannelStatusRepo; settings: (boardId: string) => BoardChannelSettings; mirrorDir: (boardId: string) => string | null }) {
    this.clock = o.clock;
    this.status = o.status;
    this.settings = o.settings;
    this.mirrorDir = o.mirrorDir;
  }

  place(board: Board): string | null {
    return this.settings(board.id).deploy?.target ?? null;
  }

  /** Consumes the mirror's output: the snapshot its current release was built from. */
  ready(boardId: string): number {
    return this.status.deliveredSeq(boardId, 'mirror');
  }

  async deliver(board: Board, seq: number): Promise<Delivery> {
    const deploy = this.settings(board.id).deploy!;
    const mirror = this.status.get(board.id, 'mirror');
    const dir = this.mirrorDir(board.id);
    if (!mirror || dir === null) throw new Error('Webové zrcadlo ještě není sestavené.');
    const release = await realpath(dir);
    const [cmd, ...args] = deploy.command.map((a) => a.replaceAll('{mirror}', release));
    await new Promise<void>((resolve, reject) => {
      execFile(
        cmd!,
        args,
        {
          timeout: (deploy.timeoutSeconds ?? 300) * 1000,
          env: { ...process.env, DESKA_MIRROR: release, DESKA_BOARD: board.id, DESKA_SEQ: String(seq) },
          maxBuffer: 1024 * 1024,
        },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const tail = String(stderr).trim().split('\n').slice(-3).join(' ');
          const why = err.killed ? `nedokončil se do ${deploy.timeoutSeconds ?? 300} s` : `skončil chybou (${err.code ?? err.message})`;
          reject(new Error(`Příkaz nasazení ${deploy.command[0]} ${why}${tail ? `: ${tail}` : ''}. Zkontrolujte nastavení "deploy" v publication.json a dostupnost cíle ${deploy.target}.`));
        },
      );
    });
    const at = this.clock.now();
    return { shown: mirror.shown, at, evidence: `deploy:${deploy.target}`, name: `deploy:${deploy.target}` };
  }
}
