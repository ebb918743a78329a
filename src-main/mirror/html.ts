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
export function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeText(String(v));
}

/** html`<p>${untrusted}</p>`: escapes every interpolation. Works for XML too. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Safe {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Safe(out);
}

/** Trusted markup that must not be escaped (constants only, never user data). */
export function raw(trusted: string): Safe {
  return new Safe(trusted);
}
