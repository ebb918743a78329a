/**
 * Language versions of the mirror's own words (i18next; the words are in texts.ts). Every board
 * gets Czech and English, and Polish where its locale is Polish. The board's own language (Czech,
 * or Polish on a Polish board) is at the mirror's root; each other version is the same site under
 * its code ("en/", "cs/"), linked both ways with hreflang. Notice content stays as written.
 */
import i18next from 'i18next';
import type { Board } from '../shared/domain.ts';
import { escapeText, raw, type Safe } from './html.ts';
import { CS, EN, PL, type Texts } from './texts.ts';

export type Lang = 'cs' | 'en' | 'pl';
export type TextKey = keyof Texts;

/** The language notices are written in: the board's (Polish boards write Polish). */
export function contentLang(board: Pick<Board, 'locale' | 'country'>): 'cs' | 'pl' {
  return board.locale?.toLowerCase().startsWith('pl') || (board.locale === undefined && board.country === 'PL') ? 'pl' : 'cs';
}

/** The board's versions, its own language first (that one is at the root). */
export function versionsOf(board: Pick<Board, 'locale' | 'country'>): Lang[] {
  return contentLang(board) === 'pl' ? ['pl', 'cs', 'en'] : ['cs', 'en'];
}

/** Where a version lives: '' for the board's own language, "<code>/" for the others. */
export function prefixOf(lang: Lang, board: Pick<Board, 'locale' | 'country'>): string {
  return lang === versionsOf(board)[0] ? '' : `${lang}/`;
}

/** Words of one language: `tr` gives trusted markup with the values escaped; `text` plain text (no values). */
export interface Translator {
  lang: Lang;
  tr(key: TextKey, values?: Record<string, string | number | Safe>): Safe;
  text(key: TextKey): string;
}

const translators = new Map<Lang, Translator>();
const TEXTS: Record<Lang, Texts> = { cs: CS, en: EN, pl: PL };

/** A text cut at its values: literal parts, and values escaped ({{x}}) or taken as markup ({{- x}}). */
type Part = string | { name: string; markup: boolean };

/**
 * A text as parts, or null where it needs more than plain values (nesting, formats): i18next
 * renders those. A build asks for the same few texts hundreds of thousands of times, and
 * i18next's own lookup and interpolation took half of a full build's time.
 */
function parse(text: string | undefined): Part[] | null {
  if (text === undefined || text.includes('$t(')) return null;
  const parts: Part[] = [];
  const re = /\{\{(-?)([^{}]*?)\}\}/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[2]!.trim();
    if (!/^\w+$/.test(name)) return null;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ name, markup: m[1] === '-' });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function translator(lang: Lang): Translator {
  let t = translators.get(lang);
  if (t !== undefined) return t;
  const i = i18next.createInstance();
  void i.init({
    lng: lang,
    fallbackLng: 'cs',
    resources: { cs: { translation: CS }, en: { translation: EN }, pl: { translation: PL } },
    initAsync: false,
    // Values are escaped (they come from the board and its settings); {{- x}} takes markup the mirror made.
    interpolation: { escapeValue: true },
    returnNull: false,
  });
  const fixed = i.getFixedT(lang);
  const slow = (key: TextKey, values: Record<string, string | number | Safe>): Safe => {
    const v: Record<string, string | number> = {};
    for (const [k, x] of Object.entries(values)) v[k] = typeof x === 'object' ? x.value : x;
    return raw(fixed(key, v));
  };
  // The same result as i18next's (escapeValue: the same five characters as escapeText), computed once per text.
  const parsed = new Map<TextKey, Part[] | null>();
  const plain = new Map<TextKey, Safe>();
  t = {
    lang,
    tr: (key, values) => {
      if (values === undefined) {
        let r = plain.get(key);
        if (r === undefined) plain.set(key, (r = slow(key, {})));
        return r;
      }
      let parts = parsed.get(key);
      if (parts === undefined) parsed.set(key, (parts = parse(TEXTS[lang][key] ?? CS[key])));
      if (parts === null || 'count' in values || 'context' in values) return slow(key, values);
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') out += p;
        else {
          const x = values[p.name];
          if (x === undefined) return slow(key, values);
          const v = typeof x === 'object' ? x.value : String(x);
          out += p.markup ? v : escapeText(v);
        }
      }
      return raw(out);
    },
    text: (key) => fixed(key),
  };
  translators.set(lang, t);
  return t;
}
