/** The mirror's one stylesheet: system fonts, AA contrast, visible focus, no JavaScript. */
export const MIRROR_CSS = `
:root { --ink: #1a1a1a; --muted: #4a4a4a; --bg: #ffffff; --panel: #f3f5f8; --line: #c9d1dc;
  --brand: #0b4f8a; --brand-ink: #ffffff; --link: #0b4f8a; --focus: #c1540c; }
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  line-height: 1.5; color: var(--ink); background: var(--bg); }
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 1rem; background: var(--bg);
  color: var(--link); border: 2px solid var(--brand); z-index: 10; }
.skip:focus { top: 0.5rem; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.site { background: var(--brand); color: var(--brand-ink); padding: 1rem 0; }
header.site a { color: var(--brand-ink); }
header.site .authority { margin: 0; font-size: 1rem; }
header.site .board { margin: 0; font-size: 1.5rem; font-weight: 700; }
header.site .board a { text-decoration: none; }
header.site .board a:hover { text-decoration: underline; }
header.site .wrap { display: grid; grid-template-columns: 1fr auto; align-items: end; gap: 0.25rem 1.5rem; }
header.site .board, header.site .authority { grid-column: 1; }
header.site form.search { grid-column: 2; grid-row: 2 / span 2; }
header.site nav.langs { grid-column: 2; grid-row: 1; justify-self: end; }
nav.langs ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 0 0.75rem; }
nav.langs a { display: inline-block; padding: 0.3rem 0.2rem; }
nav.langs a[aria-current="page"] { font-weight: 700; text-decoration: none; }
form.search label { display: block; font-size: 0.95rem; margin-bottom: 0.2rem; }
form.search .search-row { display: flex; gap: 0.35rem; }
form.search input { min-height: 2.75rem; width: 16rem; max-width: 100%; padding: 0.4rem 0.6rem; font: inherit;
  color: var(--ink); background: var(--bg); border: 2px solid var(--muted); border-radius: 4px; }
form.search button { min-height: 2.75rem; padding: 0.4rem 1rem; font: inherit; font-weight: 700; border-radius: 4px;
  color: var(--brand-ink); background: var(--brand); border: 2px solid var(--brand); cursor: pointer; }
header.site form.search input { border-color: var(--bg); }
header.site form.search button { color: var(--brand); background: var(--bg); border-color: var(--bg); }
main form.search { margin: 0 0 1.25rem; }
main form.search input { width: 24rem; }
.results .search-status { font-weight: 700; }
ol.hits { list-style: none; padding: 0; margin: 0 0 1.5rem; display: grid; gap: 0.75rem; }
ol.hits > li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; }
ol.hits h2 { font-size: 1.1rem; margin: 0 0 0.3rem; padding: 0; border: 0; overflow-wrap: anywhere; }
ol.hits p { margin: 0.2rem 0 0; overflow-wrap: anywhere; }
ol.hits .hit-category { color: var(--muted); }
mark { background: #fff3a0; color: var(--ink); }
.removed-mark { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 2px solid #8a1c1c; border-left-width: 0.5rem;
  border-radius: 4px; background: #fbeaea; color: var(--ink); max-width: 60rem; }
.removed-mark strong { color: #8a1c1c; }
ul.notices.archived > li { border-left: 0.4rem solid #8a1c1c; }
ul.categories { padding-left: 1.25rem; }
ul.categories a { display: inline-block; padding: 0.3rem 0; }
main { padding: 1.5rem 0 2rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid var(--line); }
.lead { color: var(--muted); margin: 0 0 1rem; }
nav.crumbs { margin: 0 0 0.75rem; }
nav.toc ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
nav.toc a { display: inline-block; padding: 0.35rem 0; }
ul.notices { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
ul.notices > li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; }
ul.notices h3 { font-size: 1.1rem; margin: 0 0 0.4rem; overflow-wrap: anywhere; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
ul.notices dl.meta { display: flex; flex-wrap: wrap; gap: 0.2rem 1.5rem; }
ul.notices dl.meta div { max-width: 100%; }
ul.notices dl.meta dt, ul.notices dl.meta dd { display: inline; }
ul.notices dl.meta dt { margin-right: 0.35rem; }
ul.notices dl.meta dt::after { content: ":"; }
.description { white-space: pre-line; max-width: 48rem; overflow-wrap: anywhere; }
table.files { border-collapse: collapse; width: 100%; max-width: 60rem; }
table.files th, table.files td { text-align: left; padding: 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.files .hash { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.85rem; overflow-wrap: anywhere; word-break: break-all; }
table.files ul.changes { margin: 0; padding-left: 1.1rem; }
footer.site { border-top: 1px solid var(--line); padding: 1rem 0 2rem; color: var(--muted); }
footer.site ul { list-style: none; padding: 0; margin: 0 0 0.5rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
footer.site a { display: inline-block; padding: 0.25rem 0; }
.empty { padding: 1rem; background: var(--panel); border-radius: 6px; }
nav.filters { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem 0.75rem; margin: 0 0 1.25rem; }
nav.filters .filter-title { font-size: 1rem; margin: 0.5rem 0 0.25rem; padding: 0; border: 0; color: var(--muted); }
nav.filters ul, nav.pages ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; }
nav.filters a, nav.pages a { display: inline-block; min-height: 2.75rem; min-width: 2.75rem; padding: 0.6rem 0.6rem; line-height: 1.5rem; text-align: center; border-radius: 4px; }
nav.filters a[aria-current="page"], nav.pages a[aria-current="page"] { background: var(--brand); color: var(--brand-ink); font-weight: 700; text-decoration: none; }
nav.pages { margin: 1.5rem 0 0; }
nav.pages li[aria-hidden="true"] { padding: 0.6rem 0.25rem; color: var(--muted); }
h2.list-title { font-size: 1.15rem; }
@media (max-width: 40rem) {
  h1 { font-size: 1.45rem; }
  .wrap { padding: 0 0.75rem; }
  nav.filters { padding: 0.25rem 0.75rem 0.5rem; }
  header.site .board { font-size: 1.25rem; }
  header.site .wrap { grid-template-columns: 1fr; }
  header.site form.search { grid-column: 1; grid-row: auto; margin-top: 0.5rem; }
  header.site nav.langs { grid-column: 1; grid-row: auto; justify-self: start; }
  form.search .search-row { width: 100%; }
  form.search input, main form.search input { width: auto; flex: 1; min-width: 0; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: 0.35rem; }
  ul.notices dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.15rem 0.75rem; }
  ul.notices dl.meta div { display: grid; grid-column: 1 / -1; grid-template-columns: subgrid; }
  ul.notices dl.meta dt, ul.notices dl.meta dd { display: block; margin: 0; }
  table.files thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.files, table.files tbody, table.files tr, table.files td { display: block; width: 100%; }
  table.files tr { border-bottom: 1px solid var(--line); padding: 0.5rem 0; }
  table.files td { border: 0; padding: 0.15rem 0; }
  table.files td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
@media print {
  @page { margin: 1.5cm; }
  body { font-size: 11pt; color: #000; background: #fff; }
  header.site { background: none; color: #000; padding: 0 0 0.5rem; border-bottom: 1px solid #000; }
  header.site a, a { color: #000; }
  .removed-mark { border: 2px solid #000; background: none; }
  .skip, footer.site nav, nav.filters, nav.pages, nav.crumbs, form.search, nav.langs { display: none; }
  .wrap { max-width: none; padding: 0; }
  ul.notices > li { background: none; border: 0; border-bottom: 1px solid #999; border-radius: 0; padding: 0.4rem 0; break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  table.files tr, dl.meta { break-inside: avoid; }
  article a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; overflow-wrap: anywhere; }
}
`;
