/**
 * The sitemap of a large board in buckets (feeds.ts sitemaps): an index of the pages that are not
 * notices and 16 buckets of notice pages by id; every page of every version once, none with
 * personal data; a withdrawal rewrites one bucket and leaves the index and the other buckets as
 * they were (what lets the mirror's fast path write a small file instead of the whole sitemap).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchBoard } from '../../bench/mirror-data.ts';
import { SITEMAP_BUCKETS_ABOVE, sitemaps } from '../../src-main/mirror/feeds.ts';
import { categoriesOf } from '../../src-main/mirror/pages.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';

const locs = (xml: string): string[] => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);

function files(manifest: FeedManifest, at: number): Map<string, string> {
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  return new Map(sitemaps(manifest.board, shown, categoriesOf(shown)).map((f) => [f.path, f.content]));
}

test('a large board gets its sitemap in buckets; a withdrawal rewrites one bucket only', () => {
  const { manifest, notices, at } = benchBoard(SITEMAP_BUCKETS_ABOVE + 700);
  notices[11]!.personalData = true;
  const before = files(manifest, at);
  assert.deepEqual([...before.keys()].sort(), ['sitemap.xml', 'sitemap-stranky.xml', ...Array.from({ length: 16 }, (_, i) => `sitemap-${i + 1}.xml`)].sort());
  const index = locs(before.get('sitemap.xml')!);
  assert.equal(index.length, 17);
  assert.ok(index.every((u) => u.startsWith(manifest.board.publicUrl)), 'the index names its files by full address');
  // Every notice page without personal data, in both versions, exactly once over the buckets.
  const listed = [...before].filter(([p]) => /^sitemap-\d+\.xml$/.test(p)).flatMap(([, xml]) => locs(xml));
  const shown = notices.filter((n) => isPostedAt(n, at) && n.personalData !== true);
  assert.equal(listed.length, shown.length * 2);
  assert.equal(new Set(listed).size, listed.length);
  assert.ok(!listed.some((u) => u.includes(notices[11]!.id)), 'no page with personal data');
  assert.ok(locs(before.get('sitemap-stranky.xml')!).some((u) => u.endsWith('/o-desce/')));
  // Buckets are not all in one file.
  assert.ok([...before].filter(([p]) => /^sitemap-\d+\.xml$/.test(p)).every(([, xml]) => locs(xml).length < shown.length));

  notices[40]!.removeAt = new Date(at - 1).toISOString();
  const after = files(manifest, at);
  const changed = [...after.keys()].filter((p) => after.get(p) !== before.get(p));
  assert.equal(changed.length, 1, `one file changed, not ${changed.join(', ')}`);
  assert.ok(before.get(changed[0]!)!.includes(`/oznameni/${notices[40]!.id}/`) && !after.get(changed[0]!)!.includes(`/oznameni/${notices[40]!.id}/`));
});

test('a board at the threshold keeps one sitemap file', () => {
  const { manifest, at } = benchBoard(SITEMAP_BUCKETS_ABOVE);
  assert.deepEqual([...files(manifest, at).keys()], ['sitemap.xml']);
});
