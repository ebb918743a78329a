/** BENCHMARKS.md sections: each benchmark writes (or replaces) its own, from its heading to the next "## ". */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function replaceSection(file: string, heading: string, section: string): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = old.indexOf(heading);
  let next = start < 0 ? -1 : old.indexOf('\n## ', start + heading.length);
  if (start >= 0 && next < 0) next = old.length;
  const text = start < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, start)}${section}${old.slice(next).replace(/^\n+/, '\n')}`;
  writeFileSync(file, text);
}
