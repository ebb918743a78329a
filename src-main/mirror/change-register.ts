/**
 * The "Změny oznámení" section of a corrected notice's mirror page: the change register, like the
 * Polish BIP "rejestr zmian". Each revision with when, who, what changed, why, whether the lawful
 * period counts again, and the SHA-256 of its full content. Pure; every value goes through `html`.
 */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { describeChange, type RegisterEntry } from '../shared/revisions.ts';
import { html, type Safe } from './html.ts';
import { offsetIso, wall } from './when.ts';
import { translator, type Translator } from './i18n.ts';

function when(iso: string, board: Board): Safe {
  const ms = Date.parse(iso);
  return html`<time datetime="${offsetIso(ms, board.timeZone)}">${wall(ms, board.timeZone)}</time>`;
}

function row(r: RegisterEntry, board: Board, t: Translator): Safe {
  const first = r.revision === 1;
  const period = first ? t.tr('regPeriodFromPosting') : r.restartsPeriod ? t.tr('regPeriodAgain', { time: when(r.periodStartAt, board) }) : t.tr('regPeriodSame');
  // What changed is described in Czech (shared/revisions.ts), as the clerks' register records it.
  const cs = t.lang === 'cs' ? null : html` lang="cs"`;
  return html`<tr>
<td data-label="${t.tr('regVersion')}">${first ? t.tr('regOriginal') : String(r.revision)}</td>
<td data-label="${t.tr('regAt')}">${when(r.at, board)}</td>
<td data-label="${t.tr('regWho')}">${r.actor}</td>
<td data-label="${t.tr('regWhat')}">${first ? t.tr('regPosted') : html`<ul class="changes"${cs}>${r.changes.map((c) => html`<li>${describeChange(c, (iso) => wall(Date.parse(iso), board.timeZone))}</li>`)}</ul>`}</td>
<td data-label="${t.tr('regWhy')}">${first ? '—' : r.reason}</td>
<td data-label="${t.tr('regPeriod')}">${period}</td>
<td data-label="${t.tr('regHash')}" class="hash">${r.contentSha256}</td>
</tr>
`;
}

/** The register section for a notice page, or null while the notice was never corrected. */
export function changeRegisterSection(n: FeedNotice, board: Board, t: Translator = translator('cs')): Safe | null {
  const register = n.register ?? [];
  if (register.length < 2) return null;
  const last = register.at(-1)!;
  return html`<section aria-labelledby="zmeny-oznameni">
<h2 id="zmeny-oznameni">${t.tr('regHeading')}</h2>
<p class="lead" id="zmeny-popis">${t.tr('regLead', { time: when(last.at, board), rev: last.revision })}</p>
<table class="files" aria-label="${t.tr('regTable')}" aria-describedby="zmeny-popis">
<thead><tr><th scope="col">${t.tr('regVersion')}</th><th scope="col">${t.tr('regAt')}</th><th scope="col">${t.tr('regWho')}</th><th scope="col">${t.tr('regWhat')}</th><th scope="col">${t.tr('regWhy')}</th><th scope="col">${t.tr('regPeriod')}</th><th scope="col">${t.tr('regHash')}</th></tr></thead>
<tbody>
${register.map((r) => row(r, board, t))}</tbody>
</table>
</section>`;
}
