/**
 * The benchmark board of the mirror benches (mirror-one-change.ts, mirror-peers.ts): N notices
 * made from the sample board's notice 2026-0142 (two PDF documents), in 8 categories, one posted
 * each hour before the sample instant, two in three with a removal instant. Each notice's first
 * document has extracted text of its own (about 1.5 kB), as the search index gets it.
 * `corrected`: every 10th notice was corrected once (its title), so its page has a change register.
 */
import { sampleBoard, SAMPLE_AT } from '../src-main/mirror/sample.ts';
import type { FeedManifest, FeedNotice } from '../src-main/shared/feed.ts';
import { sha256Hex } from '../src-main/publication/signing.ts';

export const CATEGORIES = ['Veřejná vyhláška', 'Záměr prodeje', 'Zasedání zastupitelstva', 'Rozpočet', 'Oznámení', 'Stavební řízení', 'Volby', 'Výběrové řízení'];
const WORDS = ['stavba', 'pozemek', 'řízení', 'účastník', 'vyjádření', 'lhůta', 'rozhodnutí', 'žádost', 'obec', 'silnice', 'kanalizace', 'rozpočet', 'zastupitelstvo', 'nájem', 'prodej', 'územní', 'plán', 'vodovod'];

/** The manifest (its notices replaced by the N bench notices) and the bytes of every file it names, by SHA-256. */
export function benchBoard(n: number, o: { corrected?: boolean } = {}): { manifest: FeedManifest; files: Map<string, Uint8Array>; notices: FeedNotice[]; at: number } {
  const { manifest, files } = sampleBoard();
  const template = manifest.notices.find((x) => x.id === '2026-0142')!;
  const textOf = (i: number): Uint8Array => {
    const words = Array.from({ length: 180 }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]!);
    return new TextEncoder().encode(`Písemnost č. ${i}. ${words.join(' ')}.`);
  };
  const notices: FeedNotice[] = Array.from({ length: n }, (_, i) => {
    const postAt = new Date(SAMPLE_AT - (i + 1) * 3_600_000).toISOString();
    const text = textOf(i);
    const textSha256 = sha256Hex(text);
    files.set(textSha256, text);
    const title = `Oznámení č. ${i}: ${template.title}`;
    const notice: FeedNotice = {
      ...template,
      attachments: template.attachments.map((a, k) => (k === 0 ? { ...a, textSha256, textSize: text.length } : a)),
      id: `b-${String(i).padStart(5, '0')}`,
      title,
      category: CATEGORIES[i % CATEGORIES.length]!,
      referenceNumber: `OÚ/${i}/2026`,
      postAt,
      publishedAt: postAt,
      removeAt: i % 3 === 0 ? null : new Date(SAMPLE_AT + (i + 1) * 3_600_000).toISOString(),
    };
    if (o.corrected && i % 10 === 0) {
      const fixedAt = new Date(Date.parse(postAt) + 600_000).toISOString();
      const before = title.replace('Oznámení', 'Oznámeni');
      notice.revision = 2;
      notice.register = [
        { revision: 1, at: postAt, actor: 'referentka', reason: '', restartsPeriod: false, periodStartAt: postAt, lawfulRemoveAt: null, contentSha256: sha256Hex(`${notice.id}:1`), changes: [] },
        { revision: 2, at: fixedAt, actor: 'referentka', reason: 'Překlep v názvu.', restartsPeriod: false, periodStartAt: postAt, lawfulRemoveAt: null, contentSha256: sha256Hex(`${notice.id}:2`), changes: [{ field: 'title', from: before, to: title }] },
      ];
    }
    return notice;
  });
  manifest.notices = notices;
  return { manifest, files, notices, at: SAMPLE_AT };
}
