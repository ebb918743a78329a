/**
 * Language versions of the mirror's own words (i18next; the words are in texts.ts). Every board
 * gets Czech and English, and Polish where its locale is Polish. The board's own language (Czech,
 * or Polish on a Polish board) is at the mirror's root; each other version is the same site under
 * its code ("en/", "cs/"), linked both ways with hreflang. Notice content stays as written.
 */
import i18next from 'i18next';
import type { Board } from '../shared/domain.ts';
import { raw, type Safe } from './html.ts';
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
  t = {
    lang,
    tr: (key, values = {}) => {
      const v: Record<string, string | number> = {};
      for (const [k, x] of Object.entries(values)) v[k] = typeof x === 'object' ? x.value : x;
      return raw(fixed(key, v));
    },
    text: (key) => fixed(key),
  };
  translators.set(lang, t);
  return t;
}
