/**
 * Categories the mirror listed before and that have no notice now. Categories are free text on
 * notices, so the board has no list of them: the build remembers every category it has given a
 * page (name and slug, in the build state of each release, publish.ts) and carries that list to
 * the next build. A category that had notices and is empty now keeps its list pages, which say in
 * plain words that nothing is posted in it now and link to all notices, so a link from a page
 * fetched a moment earlier (or a bookmark) never answers 404. Such a category is not in the
 * filter, the search page, the sitemap or the feeds, and has no feed of its own.
 */
import type { Category } from './pages.ts';
import { assertSafeId } from './paths.ts';

function usable(slug: string): boolean {
  try {
    assertSafeId(slug);
    return true;
  } catch {
    return false;
  }
}

/** A category the mirror has given pages to: its name as the clerks wrote it and its slug. */
export interface KnownCategory {
  name: string;
  slug: string;
}

/**
 * The categories of `remembered` (the live release's) that are empty now, as categories with no
 * notice, and the list to remember from this build on: the current ones and those. A former
 * category whose slug a current one now uses yields it (the current category's pages win).
 */
export function formerCategories(remembered: readonly KnownCategory[] | undefined, current: readonly Category[]): { former: Category[]; remember: KnownCategory[] } {
  const names = new Set(current.map((c) => c.name));
  const slugs = new Set(current.map((c) => c.slug));
  const former: Category[] = [];
  for (const k of remembered ?? []) {
    if (typeof k?.name !== 'string' || typeof k.slug !== 'string' || !usable(k.slug) || names.has(k.name) || slugs.has(k.slug)) continue;
    names.add(k.name);
    slugs.add(k.slug);
    former.push({ name: k.name, slug: k.slug, count: 0 });
  }
  const remember = [...current, ...former].map((c) => ({ name: c.name, slug: c.slug })).sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return { former, remember };
}
