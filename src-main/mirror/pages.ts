/** The mirror's HTML pages. Pure: manifest in, markup out; every value goes through `html`. */
import type { AttachmentRef, Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { formatSize } from '../shared/format.ts';
import { formatDate, formatWall, toOffsetIso } from '../shared/zone.ts';
import { html, type Safe } from './html.ts';
import { changeRegisterSection } from './change-register.ts';
import { absoluteUrl, ACCESSIBILITY_PATH, ATOM_PATH, attachmentPath, CSS_PATH, DIGEST_PATH, noticePath, OFN_PATH } from './paths.ts';

export interface PageContext {
  board: Board;
  /** The instant the mirror shows (ms). */
  at: number;
}

const collator = new Intl.Collator('cs');

function time(ms: number, board: Board): Safe {
  return html`<time datetime="${toOffsetIso(ms, board.timeZone)}">${formatWall(ms, board.timeZone)}</time>`;
}

function removal(n: FeedNotice, board: Board): Safe {
  return n.removeAt === null ? html`do odvolání` : time(Date.parse(n.removeAt), board);
}


/** `stamped: false`: no "state as of" instant, so the page is the same in every build (notice pages, reused by incremental builds). */
function layout(ctx: PageContext, p: { title: string; root: string; path: string; body: Safe; stamped?: false; noindex?: boolean }): string {
  const { board } = ctx;
  const doc = html`<!doctype html>
<html lang="cs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.noindex ? html`<meta name="robots" content="noindex">
` : null}<title>${p.title}</title>
<link rel="stylesheet" href="${p.root}${CSS_PATH}">
<link rel="canonical" href="${absoluteUrl(board, p.path)}">
<link rel="alternate" type="application/atom+xml" title="${`Úřední deska – ${board.name} (Atom)`}" href="${absoluteUrl(board, ATOM_PATH)}">
<link rel="alternate" type="application/ld+json" title="Otevřená data (OFN Úřední desky)" href="${absoluteUrl(board, OFN_PATH)}">
</head>
<body>
<a class="skip" href="#obsah">Přeskočit na obsah</a>
<header class="site">
<div class="wrap">
<p class="board"><a href="${p.root}">Úřední deska</a></p>
<p class="authority">${board.name}</p>
</div>
</header>
<main id="obsah" tabindex="-1">
<div class="wrap">
${p.body}
</div>
</main>
<footer class="site">
<div class="wrap">
<nav aria-label="Další informace">
<ul>
<li><a href="${p.root}">Všechna oznámení</a></li>
<li><a href="${p.root}${OFN_PATH}">Otevřená data (JSON-LD)</a></li>
<li><a href="${p.root}${ATOM_PATH}">Odběr novinek (Atom)</a></li>
<li><a href="${p.root}${ACCESSIBILITY_PATH}">Prohlášení o přístupnosti</a></li>
<li><a href="${p.root}${DIGEST_PATH}">Podepsané denní výpisy</a></li>
</ul>
</nav>
<p>${p.stamped === false ? null : html`Stav úřední desky k ${time(ctx.at, board)}. `}Provozovatel: ${board.name}, IČO ${board.ico}.</p>
</div>
</footer>
</body>
</html>
`;
  return doc.value;
}

function groupByCategory(notices: FeedNotice[]): [string, FeedNotice[]][] {
  const groups = new Map<string, FeedNotice[]>();
  for (const n of notices) {
    const key = n.category.trim() || 'Ostatní';
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  for (const list of groups.values()) list.sort((a, b) => Date.parse(b.postAt) - Date.parse(a.postAt) || collator.compare(a.title, b.title));
  return [...groups.entries()].sort(([a], [b]) => collator.compare(a, b));
}

function anchorOf(index: number): string {
  return `kategorie-${index + 1}`;
}

/** index.html: posted notices grouped by category. */
export function indexPage(ctx: PageContext, notices: FeedNotice[]): string {
  const { board } = ctx;
  const groups = groupByCategory(notices);
  const body = html`<h1>Úřední deska – ${board.name}</h1>
<p class="lead">${notices.length === 1 ? 'Vyvěšeno je 1 oznámení' : `Vyvěšených oznámení: ${notices.length}`}. Stav k ${time(ctx.at, board)}.</p>
${
  groups.length > 1
    ? html`<nav class="toc" aria-label="Kategorie">
<ul>
${groups.map(([cat, list], i) => html`<li><a href="#${anchorOf(i)}">${cat} (${list.length})</a></li>\n`)}</ul>
</nav>`
    : null
}
${groups.length === 0 ? html`<p class="empty">Na úřední desce není právě vyvěšeno žádné oznámení.</p>` : null}
${groups.map(
  ([cat, list], i) => html`<section aria-labelledby="${anchorOf(i)}">
<h2 id="${anchorOf(i)}">${cat}</h2>
<ul class="notices">
${list.map(
  (n) => html`<li>
<h3><a href="${noticePath(n.id)}">${n.title}</a></h3>
<dl class="meta">
${n.department ? html`<div><dt>Původce</dt><dd>${n.department}</dd></div>` : null}
<div><dt>Vyvěšeno</dt><dd>${time(Date.parse(n.postAt), board)}</dd></div>
<div><dt>Sejmutí</dt><dd>${removal(n, board)}</dd></div>
${n.referenceNumber ? html`<div><dt>Č. j.</dt><dd>${n.referenceNumber}</dd></div>` : null}
</dl>
</li>
`,
)}</ul>
</section>
`,
)}`;
  return layout(ctx, { title: `Úřední deska – ${board.name}`, root: '', path: '', body });
}

function fileRow(a: AttachmentRef, root: string): Safe {
  return html`<tr>
<td data-label="Soubor"><a href="${root}${attachmentPath(a.sha256)}" download="${a.name}">${a.name}</a> <span>(PDF)</span></td>
<td data-label="Velikost">${formatSize(a.size)}</td>
<td data-label="SHA-256" class="hash">${a.sha256}</td>
</tr>
`;
}

/** oznameni/<id>/index.html: every public field of one notice. */
export function noticePage(ctx: PageContext, n: FeedNotice): string {
  const { board } = ctx;
  const root = '../../';
  const body = html`<nav class="crumbs" aria-label="Drobečková navigace"><a href="${root}">Úřední deska</a> › ${n.category || 'Ostatní'}</nav>
<article>
<h1>${n.title}</h1>
<dl class="meta">
<dt>Kategorie</dt><dd>${n.category || 'Ostatní'}</dd>
${n.typeName ? html`<dt>Typ oznámení</dt><dd>${n.typeName}</dd>` : null}
<dt>Původce</dt><dd>${n.department || '—'}</dd>
<dt>Vyvěšeno</dt><dd>${time(Date.parse(n.postAt), board)}</dd>
<dt>Sejmutí</dt><dd>${removal(n, board)}</dd>
<dt>Číslo jednací</dt><dd>${n.referenceNumber || '—'}</dd>
<dt>Spisová značka</dt><dd>${n.fileMark || '—'}</dd>
<dt>Zveřejněno</dt><dd>${formatDate(Date.parse(n.publishedAt), board.timeZone)}</dd>
</dl>
${n.description.trim() ? html`<h2>Popis</h2>\n<p class="description">${n.description}</p>` : null}
<h2>Dokumenty</h2>
${
  n.attachments.length === 0
    ? html`<p>K oznámení nejsou připojeny žádné dokumenty.</p>`
    : html`<p class="lead" id="soubory-popis">Kontrolní součet SHA-256 ověří, že stažený soubor je totožný s vyvěšeným.</p>
<table class="files" aria-label="Dokumenty" aria-describedby="soubory-popis">
<thead><tr><th scope="col">Soubor</th><th scope="col">Velikost</th><th scope="col">SHA-256</th></tr></thead>
<tbody>
${n.attachments.map((a) => fileRow(a, root))}</tbody>
</table>`
}
${changeRegisterSection(n, board)}
</article>`;
  // Personal data: search engines must not index (and so keep) the page after the notice is removed.
  return layout(ctx, { title: `${n.title} – Úřední deska – ${board.name}`, root, path: noticePath(n.id), body, stamped: false, noindex: n.personalData === true });
}

/** pristupnost/index.html: accessibility statement (zákon č. 99/2019 Sb.). */
export function accessibilityPage(ctx: PageContext): string {
  const { board } = ctx;
  const url = absoluteUrl(board, '');
  const body = html`<h1>Prohlášení o přístupnosti</h1>
<p>${board.name} se zavazuje zpřístupnit své internetové stránky v souladu se zákonem č. 99/2019 Sb., o přístupnosti internetových stránek a mobilních aplikací a o změně zákona č. 365/2000 Sb., o informačních systémech veřejné správy a o změně některých dalších zákonů, ve znění pozdějších předpisů, kterým se provádí směrnice Evropského parlamentu a Rady (EU) 2016/2102.</p>
<p>Toto prohlášení o přístupnosti se vztahuje na internetové stránky elektronické úřední desky <a href="${url}">${url}</a>.</p>
<h2>Stav souladu</h2>
<p>Tyto internetové stránky jsou <strong>částečně v souladu</strong> se zákonem č. 99/2019 Sb. a s požadavky normy ČSN EN 301 549 (WCAG 2.1 na úrovni AA), a to z důvodu nesouladu uvedeného níže.</p>
<h2>Nepřístupný obsah</h2>
<ul>
<li>Dokumenty ve formátu PDF vyvěšené na úřední desce, zejména skenované písemnosti a písemnosti doručené k vyvěšení jinými orgány, nemusí být přístupné (například nemusí obsahovat textovou vrstvu nebo strukturu). Jejich obsah úřad na požádání poskytne v přístupné podobě.</li>
</ul>
<h2>Vypracování prohlášení</h2>
<p>Prohlášení bylo vypracováno dne ${formatDate(ctx.at, board.timeZone)} na základě vlastního posouzení provozovatele, podpořeného automatizovaným testováním nástrojem axe-core (pravidla WCAG 2.1 A a AA). Stránky fungují bez JavaScriptu a jsou použitelné z klávesnice.</p>
<h2>Zpětná vazba a kontaktní údaje</h2>
<p>Nedostatky v přístupnosti a žádosti o poskytnutí obsahu v přístupné podobě sdělte provozovateli: ${board.name} (IČO ${board.ico}), prostřednictvím jeho podatelny nebo datové schránky.</p>
<h2>Postupy pro prosazování práva</h2>
<p>Pokud provozovatel na vaše podání neodpoví uspokojivě, můžete se obrátit se stížností na Ministerstvo vnitra, které podle zákona č. 99/2019 Sb. dohlíží na dodržování povinností v oblasti přístupnosti.</p>`;
  return layout(ctx, { title: `Prohlášení o přístupnosti – Úřední deska – ${board.name}`, root: '../', path: ACCESSIBILITY_PATH, body });
}


/**
 * digest/index.html: the signed daily digests (audit head, snapshot hashes, notices posted that
 * day), newest first, with how to check them. `days` are "YYYY-MM-DD" with both files present.
 */
export function digestPage(ctx: PageContext, days: string[], publicKey: string | null): string {
  const { board } = ctx;
  const list = [...days].sort().reverse();
  const body = html`<h1>Podepsané denní výpisy</h1>
<p>Každý den po půlnoci úřední deska zveřejní výpis předchozího dne: poslední záznam a otisk (hash) neměnného deníku událostí, otisky všech zveřejněných snímků desky a oznámení vyvěšená ten den s otisky příloh. Výpis je podepsán klíčem desky (Ed25519). Kdokoli si výpisy může uložit a později jimi doložit, že deník nebyl zpětně přepsán.</p>
${publicKey === null ? html`` : html`<p>Veřejný klíč desky: <code>${publicKey}</code></p>`}
${
  list.length === 0
    ? html`<p>Zatím nebyl zveřejněn žádný výpis.</p>`
    : html`<ul class="digests">${list.map((d) => html`<li>${formatDate(Date.parse(`${d}T12:00:00Z`), board.timeZone)}: <a href="${d}.json">výpis ${d}.json</a>, <a href="${d}.json.sig">podpis ${d}.json.sig</a></li>`)}</ul>`
}`;
  return layout(ctx, { title: `Podepsané denní výpisy – Úřední deska – ${board.name}`, root: '../', path: DIGEST_PATH, body });
}
