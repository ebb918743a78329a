/**
 * Every page the site renders, from site.json: the notice pages and the paged lists of each
 * language version, and the Atom feeds. Run by Eleventy as a data file (so in its build).
 */
import { readFileSync } from 'node:fs';

export default function () {
  const site = JSON.parse(readFileSync(new URL('./site.json', import.meta.url), 'utf8'));
  const collator = new Intl.Collator('cs');
  const byTitle = (a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const order = {
    nejnovejsi: (a, b) => b.postMs - a.postMs || byTitle(a, b),
    sejmuti: (a, b) => a.removeMs - b.removeMs || byTitle(a, b),
    nazev: byTitle,
  };
  const listPath = (slug, sort, page) => `${slug ? `kategorie/${slug}/` : ''}${sort === 'nejnovejsi' ? '' : `razeni/${sort}/`}${page > 1 ? `strana/${page}/` : ''}`;
  const langs = [{ lang: 'cs', prefix: '' }, { lang: 'en', prefix: 'en/' }];
  const notices = [];
  const lists = [];
  const feeds = [{ category: null, items: [...site.notices].sort((a, b) => b.postMs - a.postMs) }];
  for (const c of site.categories) feeds.push({ category: c, items: site.notices.filter((n) => n.category === c.name).sort((a, b) => b.postMs - a.postMs) });
  for (const { lang, prefix } of langs) {
    for (const n of site.notices) notices.push({ lang, prefix, path: `oznameni/${n.id}/`, n });
    for (const c of [null, ...site.categories]) {
      const all = c === null ? site.notices : site.notices.filter((n) => n.category === c.name);
      for (const sort of site.sorts) {
        const sorted = [...all].sort(order[sort]);
        const pages = Math.max(1, Math.ceil(sorted.length / 50));
        for (let page = 1; page <= pages; page++) {
          lists.push({ lang, prefix, category: c, slug: c?.slug ?? '', sort, page, pages, total: sorted.length, path: listPath(c?.slug, sort, page), items: sorted.slice((page - 1) * 50, page * 50), listPath: (slug, s, p) => listPath(slug, s, p) });
        }
      }
    }
  }
  return { notices, lists, feeds };
}
