/**
 * What a person types into a search box, turned into an FTS5 query that can never be an FTS5
 * syntax error: every term is rebuilt from its letters and digits only and quoted, so operators
 * (AND, OR, NOT, NEAR, column filters, parentheses, stars, carets) in the input are just words.
 *
 *   zadost            → "zadost"*          every word is a prefix ("zad" finds "Žádost", "žádosti")
 *   MÚ/1234/2026      → "mú 1234 2026"*    a word of several parts is a phrase (číslo jednací)
 *   "stavební řízení" → "stavební řízení"  quotes: that exact phrase, no prefix
 *   a                 → "a"                one letter is a whole word, not a prefix of all of them
 * Terms are ANDed. Diacritics and case are folded by the index's tokenizer (unicode61, remove
 * diacritics 2), for the query as for the text.
 */

export const QUERY_LIMITS = { maxChars: 200, maxTerms: 12 } as const;

/** A query that cannot be searched; the message is for the person (Czech). */
export class SearchQueryError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

function tokens(s: string): string[] {
  return s.match(TOKEN) ?? [];
}

/** The FTS5 MATCH expression for a typed query; throws SearchQueryError when there is nothing to search. */
export function ftsQuery(input: string): string {
  if (input.length > QUERY_LIMITS.maxChars) {
    throw new SearchQueryError('query_too_long', `Hledaný výraz je příliš dlouhý (nejvýše ${QUERY_LIMITS.maxChars} znaků). Zkraťte ho.`);
  }
  const terms: string[] = [];
  // Quoted parts are phrases; an unclosed quote runs to the end. Everything else splits on spaces.
  const parts = input.normalize('NFC').split('"');
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const t = tokens(part);
      if (t.length > 0) terms.push(`"${t.join(' ')}"`);
      return;
    }
    for (const word of part.split(/\s+/)) {
      const t = tokens(word);
      if (t.length === 0) continue;
      const prefix = t.length > 1 || [...t[0]!].length > 1;
      terms.push(`"${t.join(' ')}"${prefix ? '*' : ''}`);
    }
  });
  if (terms.length === 0) {
    throw new SearchQueryError('empty_query', 'Zadejte, co hledáte: aspoň jedno slovo nebo číslo (písmena nebo číslice).');
  }
  if (terms.length > QUERY_LIMITS.maxTerms) {
    throw new SearchQueryError('too_many_terms', `Hledaný výraz má příliš mnoho slov (nejvýše ${QUERY_LIMITS.maxTerms}). Zkraťte ho.`);
  }
  return terms.join(' ');
}

// Markers that snippet()/highlight() put around matches. Control characters: stored text never
// contains them (fields refuse them, extracted text has them removed), so they cannot be forged.
export const MARK_OPEN = '\u0002';
export const MARK_CLOSE = '\u0003';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML of a marked text: everything escaped, then only the markers become <mark>…</mark>. */
export function markedHtml(marked: string): string {
  return marked
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replaceAll(MARK_OPEN, '<mark>')
    .replaceAll(MARK_CLOSE, '</mark>');
}

/** True when a marked text contains a match. */
export function hasMark(marked: string): boolean {
  return marked.includes(MARK_OPEN);
}
