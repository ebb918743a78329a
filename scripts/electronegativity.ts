/**
 * Electronegativity (Doyensec's Electron security checker) over the kiosk's Electron shell:
 * `node scripts/electronegativity.ts` (npm run electronegativity). Prints every finding and
 * fails on any of high or critical severity. The Electron version is the one in package.json
 * (the shell's binary is not needed). It runs offline: its downloads (fresh translations,
 * Electron's release list) fail at once (electronegativity-offline.cjs) and it uses what it ships.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
}

/** Parses Electronegativity's CSV report (issue, severity, confidence, filename, location, …). */
export function parseReport(csv: string): Finding[] {
  const rows = csv.split('\n').slice(1).filter((l) => l.trim() !== '');
  return rows.map((line) => {
    const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
    return { issue: cells[0] ?? '', severity: cells[1] ?? '', confidence: cells[2] ?? '', file: cells[3] ?? '', location: cells[4] ?? '' };
  });
}

export const isHigh = (f: Finding): boolean => f.severity === 'HIGH' || f.severity === 'CRITICAL';

if (import.meta.main) {
  const root = resolve(import.meta.dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies.electron ?? '45.0.0';
  const out = mkdtempSync(join(tmpdir(), 'deska-electronegativity-'));
  try {
    const report = join(out, 'report.csv');
    const bin = process.env.ELECTRONEGATIVITY ?? join(root, 'node_modules', '.bin', 'electronegativity');
    const offline = join(root, 'scripts', 'electronegativity-offline.cjs');
    // The Electron shell (another folder may be given, e.g. to try the check itself).
    const input = resolve(process.argv[2] ?? join(root, 'src-main/kiosk/shells'));
    const run = spawnSync(process.execPath, ['--require', offline, bin, '-i', input, '-e', version, '-r', '-o', report], { encoding: 'utf8', timeout: 180_000 });
    if (run.error || run.status !== 0) {
      console.error(`Electronegativity did not run: ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr}`);
      process.exit(2);
    }
    const findings = parseReport(readFileSync(report, 'utf8'));
    for (const f of findings) console.log(`${f.severity.padEnd(8)} ${f.confidence.padEnd(9)} ${f.issue} ${f.file}:${f.location}`);
    const high = findings.filter(isHigh);
    console.log(`Electronegativity (Electron ${version}): ${findings.length} finding(s), ${high.length} high or critical.`);
    process.exit(high.length > 0 ? 1 : 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
