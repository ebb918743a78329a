/** The mirror's HTML pages. Pure: manifest in, markup out; every value goes through `html`. */
import type { AttachmentRef, Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { formatSize } from '../shared/format.ts';
import { day, offsetIso, wall } from './when.ts';
import { html, raw, type Safe } from './html.ts';
import { changeRegisterSection } from './change-register.ts';
import type { MirrorSettings } from './settings.ts';
import {
  ABOUT_PATH,
  absoluteUrl,
  ACCESSIBILITY_PATH,
  ARCHIVE_PATH,
  archiveListPath,
  archiveNoticePath,
  ATOM_PATH,
  atomPath,
  attachmentPath,
  CSS_PATH,
  DATASET_PATH,
  DEFAULT_SORT,
  DIGEST_PATH,
  hasPublicUrl,
  listingPath,
  noticePath,
  OFN_PATH,
  rootOf,
  SEARCH_PATH,
  SEARCH_SCRIPT_PATH,
  slugOf,
  SORTS,
  type Sort,
} from './paths.ts';

export interface PageContext {
  board: Board;
  /** The instant the mirror shows (ms). */
  at: number;
  settings?: MirrorSettings;
}

const collator = new Intl.Collator('cs');

function time(ms: number, board: Board): Safe {
  return html`<time datetime="${offsetIso(ms, board.timeZone)}">${wall(ms, board.timeZone)}</time>`;
}

function removal(n: FeedNotice, board: Board): Safe {
  return n.removeAt === null ? html`do odvolání` : time(Date.parse(n.removeAt), board);
}


/** `stamped: false`: no "state as of" instant, so the page is the same in every build (reused by incremental builds). */
function layout(ctx: PageContext, p: { title: string; path: string; body: Safe; stamped?: false; noindex?: boolean; feed?: { href: string; title: string }; search?: false; script?: string }): string {
  const { board } = ctx;
  const root = rootOf(p.path);
  const pub = hasPublicUrl(board);
  const doc = html`<!doctype html>
<html lang="cs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.noindex ? html`<meta name="robots" content="noindex">
` : null}<title>${p.title}</title>
<link rel="stylesheet" href="${root}${CSS_PATH}">
${pub ? html`<link rel="canonical" href="${absoluteUrl(board, p.path)}">
<link rel="alternate" type="application/atom+xml" title="${p.feed?.title ?? `Úřední deska – ${board.name} (Atom)`}" href="${root}${p.feed?.href ?? ATOM_PATH}">
<link rel="alternate" type="application/ld+json" title="Otevřená data (OFN Úřední desky)" href="${root}${OFN_PATH}">
` : null}${p.script ? html`<script type="module" src="${root}${p.script}"></script>
` : null}</head>
<body>
<a class="skip" href="#obsah">Přeskočit na obsah</a>
<header class="site">
<div class="wrap">
<p class="board"><a href="${root || './'}">Úřední deska</a></p>
<p class="authority">${board.name}</p>
${p.search === false ? null : searchForm(`${root}${SEARCH_PATH}`, 'hledat')}</div>
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
<li><a href="${root || './'}">Všechna oznámení</a></li>
<li><a href="${root}${ABOUT_PATH}">Co je úřední deska</a></li>
${pub ? html`<li><a href="${root}${OFN_PATH}">Otevřená data (JSON-LD)</a></li>
<li><a href="${root}${ATOM_PATH}">Odběr novinek (Atom)</a></li>
` : null}<li><a href="${root}${ACCESSIBILITY_PATH}">Prohlášení o přístupnosti</a></li>
<li><a href="${root}${DIGEST_PATH}">Podepsané denní výpisy</a></li>
${ctx.settings?.archive ? html`<li><a href="${root}${ARCHIVE_PATH}">Archiv sejmutých oznámení</a></li>
` : null}</ul>
</nav>
<p>${p.stamped === false ? null : html`Stav úřední desky k ${time(ctx.at, board)}. `}Provozovatel: ${board.name}, IČO ${board.ico}.</p>
</div>
</footer>
</body>
</html>
`;
  return doc.value;
}

/**
 * The search form: a plain GET to the search page, so it works without JavaScript too (the page
 * then lists the categories). `id` tells the header's form from the search page's own.
 */
function searchForm(action: string, id: string, formId?: string): Safe {
  return html`<form class="search" role="search" action="${action}" method="get"${formId ? html` id="${formId}"` : null}>
<label for="${id}">Hledat v oznámeních</label>
<span class="search-row"><input type="search" id="${id}" name="q" autocomplete="off" spellcheck="false"><button type="submit">Hledat</button></span>
</form>
`;
}

/**
 * hledani/index.html: full-text search in the notices and their documents. The results come from
 * the Pagefind index in the visitor's browser (hledani/hledani.js); without JavaScript, or where
 * the index is missing, the page says so and the categories lead to every notice.
 */
export function searchPage(ctx: PageContext, categories: Category[]): string {
  const root = rootOf(SEARCH_PATH);
  const all = shownCount(categories);
  const body = html`<h1>Hledání v oznámeních</h1>
<p class="lead">Hledá v textu vyvěšených oznámení i v jejich dokumentech. Diakritiku psát nemusíte: „zadost“ najde i „Žádost“.</p>
${searchForm('./', 'dotaz', 'hledani-formular')}
<div id="vysledky" class="results" aria-live="polite"></div>
<script type="application/json" id="hledani-texty">${raw(JSON.stringify(SEARCH_TEXTS).replace(/</g, '\\u003c'))}</script>
<div id="bez-skriptu">
<p class="empty" id="hledani-stav">Vyhledávání v textu potřebuje JavaScript, který je ve vašem prohlížeči vypnutý. Všechna oznámení najdete podle kategorií:</p>
<ul class="categories">
<li><a href="${root || './'}">Všechna oznámení (${String(all)})</a></li>
${categories.map((c) => html`<li><a href="${root}${listingPath(c.slug, DEFAULT_SORT, 1)}">${c.name} (${String(c.count)})</a></li>
`)}</ul>
</div>`;
  return layout(ctx, { title: `Hledání – Úřední deska – ${ctx.board.name}`, path: SEARCH_PATH, body, stamped: false, search: false, script: SEARCH_SCRIPT_PATH });
}

/** The words the search script shows (it takes them from the page). */
const SEARCH_TEXTS = {
  searching: 'Hledám…',
  found: 'Nalezená oznámení: {n}.',
  first: 'Zobrazeno prvních {n}.',
  none: 'Pro „{q}“ nebylo nalezeno žádné vyvěšené oznámení.',
  category: 'Kategorie',
  unavailable: 'Vyhledávání teď není k dispozici. Všechna oznámení najdete podle kategorií níže.',
  browse: 'Oznámení můžete procházet také podle kategorií:',
};

function shownCount(categories: readonly Category[]): number {
  return categories.reduce((sum, c) => sum + c.count, 0);
}

/** A category of the board: its name as the clerks wrote it and its URL-safe slug. */
export interface Category {
  name: string;
  slug: string;
  count: number;
}

/** The name a notice is listed under ("Ostatní" for none). */
export function categoryName(n: Pick<FeedNotice, 'category'>): string {
  return n.category.trim() || 'Ostatní';
}

/** Categories of the shown notices, by name (Czech order), each with a unique slug. */
export function categoriesOf(notices: readonly FeedNotice[]): Category[] {
  const counts = new Map<string, number>();
  for (const n of notices) counts.set(categoryName(n), (counts.get(categoryName(n)) ?? 0) + 1);
  const used = new Set<string>();
  return [...counts.entries()]
    .sort(([a], [b]) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, count]) => {
      const base = slugOf(name);
      let slug = base;
      for (let i = 2; used.has(slug); i++) slug = `${base}-${i}`;
      used.add(slug);
      return { name, slug, count };
    });
}

const SORT_LABEL: Record<Sort, string> = { nejnovejsi: 'nejnověji vyvěšené', sejmuti: 'nejdříve sejmuté', nazev: 'podle názvu' };

/** The notices in one of the list orders (ties by title, then id, so pages are stable). */
export function sortNotices(notices: readonly FeedNotice[], sort: Sort): FeedNotice[] {
  // Keys computed once per notice, not in every comparison.
  const keyed = notices.map((n) => ({ n, post: Date.parse(n.postAt), remove: n.removeAt === null ? Infinity : Date.parse(n.removeAt) }));
  type K = (typeof keyed)[number];
  const byTitle = (a: K, b: K): number => collator.compare(a.n.title, b.n.title) || (a.n.id < b.n.id ? -1 : a.n.id > b.n.id ? 1 : 0);
  const cmp: Record<Sort, (a: K, b: K) => number> = {
    nejnovejsi: (a, b) => b.post - a.post || byTitle(a, b),
    sejmuti: (a, b) => (a.remove === b.remove ? 0 : a.remove < b.remove ? -1 : 1) || byTitle(a, b),
    nazev: byTitle,
  };
  return keyed.sort(cmp[sort]).map((k) => k.n);
}

/** One notice in a list; `root` leads back to the mirror's root from the list page. */
export function listItem(n: FeedNotice, board: Board, root: string): Safe {
  return html`<li>
<h3><a href="${root}${noticePath(n.id)}">${n.title}</a></h3>
<dl class="meta">
<div><dt>Kategorie</dt><dd>${categoryName(n)}</dd></div>
${n.department ? html`<div><dt>Původce</dt><dd>${n.department}</dd></div>` : null}
<div><dt>Vyvěšeno</dt><dd>${time(Date.parse(n.postAt), board)}</dd></div>
<div><dt>Sejmutí</dt><dd>${removal(n, board)}</dd></div>
${n.referenceNumber ? html`<div><dt>Č. j.</dt><dd>${n.referenceNumber}</dd></div>` : null}
</dl>
</li>
`;
}

/** What one list page shows. `items` are the page's notices, already rendered by listItem. */
export interface ListPage {
  categories: Category[];
  /** The category listed, or null for all notices. */
  category: Category | null;
  sort: Sort;
  page: number;
  pages: number;
  total: number;
  /** Total notices on the board (for "všechny (n)"). */
  all: number;
  items: Safe[];
  /** Stamp the page with the build's instant (the board's front page only). */
  stamped: boolean;
}

/** Page numbers to link: the first, the last and the two either side of the current one. */
function pageNumbers(page: number, pages: number): (number | null)[] {
  const want = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...want].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) out.push(null);
    out.push(p);
  });
  return out;
}

/** Links to the other pages of a paged list (none for a single page). */
function pager(page: number, pages: number, href: (n: number) => string): Safe | null {
  if (pages <= 1) return null;
  return html`<nav class="pages" aria-label="Stránky seznamu">
<ul>
${page > 1 ? html`<li><a href="${href(page - 1)}" rel="prev">Předchozí</a></li>
` : null}${pageNumbers(page, pages).map((n) =>
    n === null
      ? html`<li aria-hidden="true">…</li>
`
      : n === page
        ? html`<li><a href="${href(n)}" aria-current="page" aria-label="${`Strana ${n}`}">${String(n)}</a></li>
`
        : html`<li><a href="${href(n)}" aria-label="${`Strana ${n}`}">${String(n)}</a></li>
`,
  )}${page < pages ? html`<li><a href="${href(page + 1)}" rel="next">Další</a></li>
` : null}</ul>
</nav>`;
}

/**
 * A page of a list (index.html, kategorie/…, razeni/…, strana/…): the category filter and the
 * orders as plain links (static pages, no JavaScript), the notices, and page links.
 */
export function listPage(ctx: PageContext, p: ListPage): string {
  const { board } = ctx;
  const slug = p.category?.slug ?? null;
  const path = listingPath(slug, p.sort, p.page);
  const root = rootOf(path);
  const href = (cat: string | null, sort: Sort, page: number): string => `${root}${listingPath(cat, sort, page)}` || './';
  const heading = p.category === null ? `Úřední deska – ${board.name}` : `${p.category.name} – úřední deska`;
  const where = p.pages > 1 ? `, strana ${p.page} z ${p.pages}` : '';
  const body = html`<h1>${heading}</h1>
<p class="lead">${p.category === null ? 'Vyvěšených oznámení' : 'Oznámení v této kategorii'}: ${String(p.total)}${p.stamped ? html`. Stav k ${time(ctx.at, board)}` : null}.</p>
${
  p.categories.length > 0
    ? html`<nav class="filters" aria-label="Výběr oznámení">
<h2 class="filter-title" id="filtr-kategorie">Kategorie</h2>
<ul aria-labelledby="filtr-kategorie">
<li><a href="${href(null, p.sort, 1)}"${p.category === null ? html` aria-current="page"` : null}>Všechna (${String(p.all)})</a></li>
${p.categories.map((c) => html`<li><a href="${href(c.slug, p.sort, 1)}"${c.slug === slug ? html` aria-current="page"` : null}>${c.name} (${String(c.count)})</a></li>
`)}</ul>
<h2 class="filter-title" id="filtr-razeni">Řazení</h2>
<ul aria-labelledby="filtr-razeni">
${SORTS.map((s) => html`<li><a href="${href(slug, s, 1)}"${s === p.sort ? html` aria-current="page"` : null}>${SORT_LABEL[s]}</a></li>
`)}</ul>
</nav>`
    : null
}
${p.total === 0 ? html`<p class="empty">Na úřední desce není právě vyvěšeno žádné oznámení.</p>` : null}
${
  p.items.length > 0
    ? html`<h2 class="list-title">Oznámení (${SORT_LABEL[p.sort]}${where})</h2>
<ul class="notices">
${p.items}</ul>`
    : null
}
${pager(p.page, p.pages, (n) => href(slug, p.sort, n))}`;
  const title = `${p.category === null ? '' : `${p.category.name} – `}Úřední deska – ${board.name}${where}`;
  const feed = p.category === null ? undefined : { href: atomPath(p.category.slug), title: `${p.category.name} – úřední deska ${board.name} (Atom)` };
  return layout(ctx, { title, path, body, stamped: p.stamped ? undefined : false, feed });
}

function fileRow(a: AttachmentRef, root: string): Safe {
  return html`<tr>
<td data-label="Soubor"><a href="${root}${attachmentPath(a.sha256)}" download="${a.name}">${a.name}</a> <span>(PDF)</span></td>
<td data-label="Velikost">${formatSize(a.size)}</td>
<td data-label="SHA-256" class="hash">${a.sha256}</td>
</tr>
`;
}

/** How a removed notice in the archive is marked: when it left the board and whether it was withdrawn. */
export interface Removed {
  removedAt: string;
  withdrawn: boolean;
}

/**
 * oznameni/<id>/index.html: every public field of one notice. With `removed`, the notice's page in
 * the archive (archiv/oznameni/<id>/), marked as removed at the top, with its removal date.
 */
export function noticePage(ctx: PageContext, n: FeedNotice, categorySlug = slugOf(categoryName(n)), removed?: Removed): string {
  const { board } = ctx;
  const path = removed ? archiveNoticePath(n.id) : noticePath(n.id);
  const root = rootOf(path);
  const crumbs = removed
    ? html`<nav class="crumbs" aria-label="Drobečková navigace"><a href="${root}">Úřední deska</a> › <a href="${root}${ARCHIVE_PATH}">Archiv sejmutých oznámení</a></nav>`
    : html`<nav class="crumbs" aria-label="Drobečková navigace"><a href="${root}">Úřední deska</a> › <a href="${root}${listingPath(categorySlug, DEFAULT_SORT, 1)}">${categoryName(n)}</a></nav>`;
  const body = html`${crumbs}
<article>
${removed ? html`<p class="removed-mark"><strong>Sejmuto z úřední desky</strong> ${time(Date.parse(removed.removedAt), board)}${removed.withdrawn ? ' (staženo před koncem lhůty)' : null}. Oznámení už není vyvěšené; v archivu je jen pro informaci.</p>
` : null}<h1>${n.title}</h1>
<dl class="meta">
<dt>Kategorie</dt><dd>${categoryName(n)}</dd>
${n.typeName ? html`<dt>Typ oznámení</dt><dd>${n.typeName}</dd>` : null}
<dt>Původce</dt><dd>${n.department || '—'}</dd>
<dt>Vyvěšeno</dt><dd>${time(Date.parse(n.postAt), board)}</dd>
${removed ? html`<dt>Sejmuto</dt><dd>${time(Date.parse(removed.removedAt), board)}${removed.withdrawn ? ' (staženo)' : null}</dd>` : html`<dt>Sejmutí</dt><dd>${removal(n, board)}</dd>`}
<dt>Číslo jednací</dt><dd>${n.referenceNumber || '—'}</dd>
<dt>Spisová značka</dt><dd>${n.fileMark || '—'}</dd>
<dt>Zveřejněno</dt><dd>${day(Date.parse(n.publishedAt), board.timeZone)}</dd>
${n.personalData === true ? html`<dt>Osobní údaje</dt><dd>Oznámení obsahuje osobní údaje: po sejmutí zmizí ze všech veřejných míst a vyhledávače ho neindexují.</dd>` : null}
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
  const title = removed ? `Sejmuto: ${n.title} – Archiv úřední desky – ${board.name}` : `${n.title} – Úřední deska – ${board.name}`;
  // Personal data: search engines must not index (and so keep) the page after the notice is removed.
  return layout(ctx, { title, path, body, stamped: false, noindex: n.personalData === true });
}

/** One removed notice in the archive's list. */
function archiveItem(n: FeedNotice & Removed, board: Board, root: string): Safe {
  return html`<li>
<h3><a href="${root}${archiveNoticePath(n.id)}">${n.title}</a></h3>
<dl class="meta">
<div><dt>Kategorie</dt><dd>${categoryName(n)}</dd></div>
<div><dt>Vyvěšeno</dt><dd>${time(Date.parse(n.postAt), board)}</dd></div>
<div><dt>Sejmuto</dt><dd>${time(Date.parse(n.removedAt), board)}${n.withdrawn ? ' (staženo)' : null}</dd></div>
${n.referenceNumber ? html`<div><dt>Č. j.</dt><dd>${n.referenceNumber}</dd></div>` : null}
</dl>
</li>
`;
}

/**
 * archiv/ and archiv/strana/<n>/: removed notices without personal data, newest removal first,
 * marked as removed on every page.
 */
export function archivePage(ctx: PageContext, p: { page: number; pages: number; total: number; notices: readonly (FeedNotice & Removed)[] }): string {
  const { board } = ctx;
  const path = archiveListPath(p.page);
  const root = rootOf(path);
  const where = p.pages > 1 ? `, strana ${p.page} z ${p.pages}` : '';
  const body = html`<h1>Archiv sejmutých oznámení</h1>
<p class="removed-mark"><strong>Tato oznámení už byla z úřední desky sejmuta</strong> a nejsou vyvěšená; archiv je jen pro informaci. Oznámení s osobními údaji v něm nejsou. Vyvěšená oznámení jsou na <a href="${root || './'}">úřední desce</a>.</p>
<p class="lead">Sejmutých oznámení v archivu: ${String(p.total)}.</p>
${
  p.notices.length === 0
    ? html`<p class="empty">V archivu zatím není žádné oznámení.</p>`
    : html`<h2 class="list-title">Sejmutá oznámení (naposledy sejmutá první${where})</h2>
<ul class="notices archived">
${p.notices.map((n) => archiveItem(n, board, root))}</ul>`
}
${pager(p.page, p.pages, (n) => `${root}${archiveListPath(n)}`)}`;
  return layout(ctx, { title: `Archiv sejmutých oznámení – Úřední deska – ${board.name}${where}`, path, body, stamped: false });
}

/** A "YYYY-MM-DD" day as the board shows dates. */
function dayOf(d: string, board: Board): string {
  return day(Date.parse(`${d}T12:00:00Z`), board.timeZone);
}

/**
 * pristupnost/index.html: the accessibility statement in the structure of the model statement of
 * vyhláška č. 515/2020 Sb. (to zákon č. 99/2019 Sb.): scope, state of compliance, inaccessible
 * content, how the statement was prepared, feedback and contacts, enforcement.
 */
export function accessibilityPage(ctx: PageContext): string {
  const { board } = ctx;
  const a = ctx.settings?.accessibility ?? {};
  const contact = ctx.settings?.contact ?? {};
  const prepared = a.preparedOn ? dayOf(a.preparedOn, board) : day(ctx.at, board.timeZone);
  const site = hasPublicUrl(board) ? absoluteUrl(board, '') : null;
  const body = html`<h1>Prohlášení o přístupnosti</h1>
<p>${board.name} se zavazuje zpřístupnit své internetové stránky v souladu se zákonem č. 99/2019 Sb., o přístupnosti internetových stránek a mobilních aplikací a o změně zákona č. 365/2000 Sb., o informačních systémech veřejné správy a o změně některých dalších zákonů, ve znění pozdějších předpisů, kterým se provádí směrnice Evropského parlamentu a Rady (EU) 2016/2102.</p>
<p>Toto prohlášení o přístupnosti se vztahuje na internetové stránky elektronické úřední desky ${site === null ? html`provozovatele ${board.name}` : html`<a href="${site}">${site}</a>`}.</p>
<h2>Stav souladu</h2>
<p>Tyto internetové stránky jsou <strong>částečně v souladu</strong> se zákonem č. 99/2019 Sb. a s požadavky normy ČSN EN 301 549 (WCAG 2.1 na úrovni AA), a to z důvodu nesouladu uvedeného níže.</p>
<h2>Nepřístupný obsah</h2>
<p>Níže uvedený obsah není přístupný z těchto důvodů:</p>
<h3>Nesoulad se zákonem č. 99/2019 Sb.</h3>
<ul>
<li>Dokumenty ve formátu PDF vyvěšené na úřední desce, zejména skenované písemnosti a písemnosti doručené k vyvěšení jinými orgány, nemusí být přístupné (například nemusí obsahovat textovou vrstvu nebo strukturu). Jejich obsah provozovatel na požádání poskytne v přístupné podobě.</li>
</ul>
<h3>Nepřiměřená zátěž</h3>
<p>Provozovatel se na výjimku nepřiměřené zátěže neodvolává.</p>
<h3>Obsah, na který se zákon nevztahuje</h3>
<p>Dokumenty ve formátu PDF zveřejněné před 23. zářím 2018 a písemnosti jiných orgánů, které provozovatel pouze vyvěšuje, nevytvořil ani nefinancoval.</p>
<h2>Vypracování tohoto prohlášení o přístupnosti</h2>
<p>Toto prohlášení bylo vypracováno dne ${prepared}.</p>
<p>K vypracování prohlášení bylo použito vlastní posouzení provozovatele, podpořené automatizovaným testováním nástrojem axe-core (pravidla WCAG 2.1 A a AA) a kontrolou validity HTML. Stránky fungují bez JavaScriptu, lze je ovládat z klávesnice a přizpůsobují se šířce obrazovky.</p>
${a.reviewedOn ? html`<p>Prohlášení bylo naposledy přezkoumáno dne ${dayOf(a.reviewedOn, board)}.</p>` : null}
<h2>Zpětná vazba a kontaktní údaje</h2>
<p>Nedostatky v přístupnosti a žádosti o poskytnutí obsahu v přístupné podobě sdělte provozovateli: ${board.name} (IČO ${board.ico})${contact.name ? `, ${contact.name}` : ''}${
    contact.email || contact.phone
      ? html`: ${contact.email ? html`e-mail <a href="${`mailto:${contact.email}`}">${contact.email}</a>` : null}${contact.email && contact.phone ? ', ' : null}${contact.phone ? html`telefon ${contact.phone}` : null}.`
      : html`, prostřednictvím jeho podatelny nebo datové schránky.`
  }</p>
<h2>Postupy pro prosazování práva</h2>
<p>Pokud provozovatel na vaše oznámení nebo žádost neodpoví, nebo odpoví neuspokojivě, můžete se obrátit na Ministerstvo vnitra, které podle zákona č. 99/2019 Sb. dohlíží na dodržování povinností v oblasti přístupnosti (Ministerstvo vnitra, Nad Štolou 936/3, 170 34 Praha 7).</p>`;
  return layout(ctx, { title: `Prohlášení o přístupnosti – Úřední deska – ${board.name}`, path: ACCESSIBILITY_PATH, body, stamped: a.preparedOn ? false : undefined });
}

/** o-desce/index.html: what an official board is, and the ways to read this one. */
export function aboutPage(ctx: PageContext): string {
  const { board } = ctx;
  const pub = hasPublicUrl(board);
  const root = rootOf(ABOUT_PATH);
  const body = html`<h1>Co je úřední deska</h1>
<p>Úřední deska je místo, kde ${board.name} zveřejňuje písemnosti, které mají být veřejně známé: veřejné vyhlášky, oznámení o zasedání zastupitelstva, záměry prodeje nebo pronájmu majetku, rozpočty, vyhlášky a nařízení a písemnosti, které se tímto způsobem doručují.</p>
<p>Každý správní orgán ji podle § 26 správního řádu (zákon č. 500/2004 Sb.) zřizuje, musí být nepřetržitě veřejně přístupná a její obsah se zveřejňuje také způsobem umožňujícím dálkový přístup. Tyto stránky jsou tou dálkově přístupnou podobou.</p>
<h2>Vyvěšení a sejmutí</h2>
<p>Každé oznámení má den vyvěšení a den sejmutí (nebo platí do odvolání). Na některých lhůtách závisí právní účinky: písemnost doručovaná veřejnou vyhláškou visí 15 dnů a patnáctým dnem po vyvěšení se považuje za doručenou (§ 25 správního řádu). Po sejmutí oznámení z úřední desky zmizí i z těchto stránek; oznámení s osobními údaji vyhledávače neindexují.</p>
<p>Opravené oznámení ukazuje platné znění a pod ním seznam změn: kdy, kdo, co a proč změnil a zda lhůta vyvěšení běží znovu.</p>
<h2>Kde úřední desku najdete</h2>
<ul>
<li>Ve vestibulu úřadu na obrazovce (kiosku), i když je úřad zavřený.</li>
<li>Na těchto stránkách: <a href="${root}">všechna oznámení</a>, rozdělená podle kategorií, s řazením a stránkováním.</li>
${pub ? html`<li>Jako otevřená data podle otevřené formální normy Úřední desky: <a href="${root}${OFN_PATH}">soubor JSON-LD</a>; záznam pro Národní katalog otevřených dat je v souboru <a href="${root}${DATASET_PATH}">datová sada</a>.</li>
<li>Jako odběr novinek ve formátu Atom: <a href="${root}${ATOM_PATH}">všechna oznámení</a>, nebo odběr jedné kategorie na její stránce.</li>
` : null}<li>Jako <a href="${root}${DIGEST_PATH}">podepsané denní výpisy</a>, kterými lze doložit, co a kdy na desce viselo.</li>
</ul>
<p>U každého dokumentu je uveden kontrolní součet SHA-256: podle něj lze ověřit, že stažený soubor je totožný s vyvěšeným.</p>`;
  return layout(ctx, { title: `Co je úřední deska – ${board.name}`, path: ABOUT_PATH, body, stamped: false });
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
    : html`<ul class="digests">${list.map((d) => html`<li>${day(Date.parse(`${d}T12:00:00Z`), board.timeZone)}: <a href="${d}.json">výpis ${d}.json</a>, <a href="${d}.json.sig">podpis ${d}.json.sig</a></li>`)}</ul>`
}`;
  return layout(ctx, { title: `Podepsané denní výpisy – Úřední deska – ${board.name}`, path: DIGEST_PATH, body });
}
