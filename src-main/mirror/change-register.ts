/**
 * The "Změny oznámení" section of a corrected notice's mirror page: the change register, like the
 * Polish BIP "rejestr zmian". Each revision with when, who, what changed, why, whether the lawful
 * period counts again, and the SHA-256 of its full content. Pure; every value goes through `html`.
 */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { describeChange, type RegisterEntry } from '../shared/revisions.ts';
import { formatWall, toOffsetIso } from '../shared/zone.ts';
import { html, type Safe } from './html.ts';

function when(iso: string, board: Board): Safe {
  const ms = Date.parse(iso);
  return html`<time datetime="${toOffsetIso(ms, board.timeZone)}">${formatWall(ms, board.timeZone)}</time>`;
}

function row(r: RegisterEntry, board: Board): Safe {
  const first = r.revision === 1;
  const period = first ? 'lhůta běží od vyvěšení' : r.restartsPeriod ? html`běží znovu od ${when(r.periodStartAt, board)}` : 'beze změny';
  return html`<tr>
<td data-label="Verze">${first ? '1 (původní znění)' : String(r.revision)}</td>
<td data-label="Okamžik">${when(r.at, board)}</td>
<td data-label="Kdo">${r.actor}</td>
<td data-label="Co se změnilo">${first ? 'vyvěšeno' : html`<ul class="changes">${r.changes.map((c) => html`<li>${describeChange(c, (iso) => formatWall(Date.parse(iso), board.timeZone))}</li>`)}</ul>`}</td>
<td data-label="Důvod">${first ? '—' : r.reason}</td>
<td data-label="Lhůta vyvěšení">${period}</td>
<td data-label="SHA-256 obsahu" class="hash">${r.contentSha256}</td>
</tr>
`;
}

/** The register section for a notice page, or null while the notice was never corrected. */
export function changeRegisterSection(n: FeedNotice, board: Board): Safe | null {
  const register = n.register ?? [];
  if (register.length < 2) return null;
  const last = register.at(-1)!;
  return html`<section aria-labelledby="zmeny-oznameni">
<h2 id="zmeny-oznameni">Změny oznámení</h2>
<p class="lead" id="zmeny-popis">Oznámení bylo opraveno (naposledy ${when(last.at, board)}). Stránka ukazuje platné znění, verzi ${String(last.revision)}; předchozí znění jsou uložena beze změny a jejich otisky SHA-256 jsou uvedeny níže.</p>
<table class="files" aria-label="Rejstřík změn" aria-describedby="zmeny-popis">
<thead><tr><th scope="col">Verze</th><th scope="col">Okamžik</th><th scope="col">Kdo</th><th scope="col">Co se změnilo</th><th scope="col">Důvod</th><th scope="col">Lhůta vyvěšení</th><th scope="col">SHA-256 obsahu</th></tr></thead>
<tbody>
${register.map((r) => row(r, board))}</tbody>
</table>
</section>`;
}
