/**
 * A tiny tagged-template escaper for the mirror's HTML and XML. Every interpolated value is
 * escaped unless it is already `Safe` (the result of another `html` template or `raw`).
 */

export class Safe {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type Interpolation = Safe | string | number | boolean | null | undefined | readonly Interpolation[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML/XML element content and quoted attributes. */
const SPECIAL = /[&<>"']/;

export function escapeText(s: string): string {
  // Most values have nothing to escape: tested first, they are returned as they are.
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : s;
}

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) {
    let out = '';
    for (const x of v as readonly Interpolation[]) out += render(x);
    return out;
  }
  return escapeText(typeof v === 'string' ? v : String(v));
}

/** html`<p>${untrusted}</p>`: escapes every interpolation. Works for XML too. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Safe {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Safe(out);
}

/** Trusted markup that must not be escaped (constants only, never user data). */
export function raw(trusted: string): Safe {
  return new Safe(trusted);
}
