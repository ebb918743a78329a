/**
 * Text in PDFs made with pdf-lib: the one place that embeds our font (DejaVu Sans, complete
 * Czech glyphs, from the dejavu-fonts-ttf package) and wraps lines to a width.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

const require = createRequire(import.meta.url);

export type DejaVuFile = 'DejaVuSans.ttf' | 'DejaVuSans-Bold.ttf' | 'DejaVuSansMono.ttf';

/** Embeds a DejaVu face (subset to the glyphs used). */
export async function embedDejaVu(doc: PDFDocument, file: DejaVuFile): Promise<PDFFont> {
  doc.registerFontkit(fontkit);
  const bytes = await readFile(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  return doc.embedFont(bytes, { subset: true });
}

/** Width of one character (code point) at a size; the wrapper only ever asks per character. */
export type CharWidth = (ch: string) => number;

const measured = new WeakMap<object, Map<number, Map<string, number>>>();

/** Per-character widths of a font at a size, each character measured once per font and size. */
export function charWidths(font: Pick<PDFFont, 'widthOfTextAtSize'>, size: number): CharWidth {
  let sizes = measured.get(font);
  if (!sizes) measured.set(font, (sizes = new Map()));
  let cache = sizes.get(size);
  if (!cache) sizes.set(size, (cache = new Map()));
  const c = cache;
  return (ch) => {
    let w = c.get(ch);
    if (w === undefined) {
      w = font.widthOfTextAtSize(ch, size);
      c.set(ch, w);
    }
    return w;
  };
}

// Control characters have no glyph and no width: they would print as boxes or break the text.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\uFEFF]/g;

/** Text as it can be drawn: composed (Czech letters as one character), without control characters. */
export function printable(text: string): string {
  return text.normalize('NFC').replace(CONTROL, '');
}

/** Code points a font has glyphs for, read once per font. */
const glyphSets = new WeakMap<object, Set<number>>();
function glyphsOf(font: Pick<PDFFont, 'getCharacterSet'>): Set<number> {
  let set = glyphSets.get(font);
  if (!set) glyphSets.set(font, (set = new Set(font.getCharacterSet())));
  return set;
}

const WHITESPACE = /\s/u;
/** Joiners, variation selectors, skin tones and tags: part of the emoji before them. */
const EMOJI_PART = /[\u200D\uFE00-\uFE0F\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/u;

/**
 * Text as `font` can draw it: printable() and every run of characters the font has no glyph for
 * (emoji with their joiners and modifiers, rare CJK, private-use characters) replaced by one
 * U+FFFD (or "?" where the font lacks even that). Without this such characters would be drawn
 * as the font's empty box but measured differently, and a line could run off the page.
 * Whitespace is kept: the wrapper splits on it.
 */
export function drawable(text: string, font: Pick<PDFFont, 'getCharacterSet'>): string {
  const glyphs = glyphsOf(font);
  const replacement = glyphs.has(0xfffd) ? '\uFFFD' : '?';
  let out = '';
  let missing = false;
  for (const ch of printable(text)) {
    if (missing && EMOJI_PART.test(ch)) continue;
    if (glyphs.has(ch.codePointAt(0)!) || WHITESPACE.test(ch)) {
      out += ch;
      missing = false;
    } else if (!missing) {
      out += replacement;
      missing = true;
    }
  }
  return out;
}

/**
 * Splits text into lines no wider than `width`. Words are kept whole where they fit; a word
 * wider than a line is broken between characters. Linear in the length of the text: every
 * character is measured once (cached per font and size) and widths add up as the line grows,
 * so a 4,000-character URL costs the same per character as prose. Line breaks in the text
 * start new lines; a single character wider than `width` still gets a line of its own.
 */
export function wrapLines(text: string, width: number, w: CharWidth): string[] {
  const lines: string[] = [];
  const space = w(' ');
  for (const para of printable(text).split(/\r\n|\r|\n|\u2028|\u2029/)) {
    let line = '';
    let lineW = 0;
    for (const word of para.split(/\s+/)) {
      if (word === '') continue;
      const chars = Array.from(word);
      const widths = chars.map(w);
      const wordW = widths.reduce((a, b) => a + b, 0);
      if (line !== '' && lineW + space + wordW <= width) {
        line += ` ${word}`;
        lineW += space + wordW;
        continue;
      }
      if (line !== '') {
        lines.push(line);
        line = '';
        lineW = 0;
      }
      if (wordW <= width) {
        line = word;
        lineW = wordW;
        continue;
      }
      // Over-long word: fill lines character by character with the running width.
      let piece = '';
      let pieceW = 0;
      for (let i = 0; i < chars.length; i++) {
        const cw = widths[i]!;
        if (piece !== '' && pieceW + cw > width) {
          lines.push(piece);
          piece = '';
          pieceW = 0;
        }
        piece += chars[i]!;
        pieceW += cw;
      }
      line = piece;
      lineW = pieceW;
    }
    lines.push(line);
  }
  return lines;
}

/** wrapLines with a font: lines of `text` (as the font can draw it) no wider than `width` at `size`. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  return wrapLines(drawable(text, font), width, charWidths(font, size));
}
