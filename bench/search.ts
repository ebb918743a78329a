/**
 * Search benchmark: a store of 100,000 notices (BENCH_SEARCH_NOTICES) over 5 boards, each with
 * a PDF's worth of extracted Czech text, loaded through the real schema and triggers; then the
 * p50/p95 of a set of queries (common and rare words, no diacritics, prefixes, číslo jednací,
 * two words) without filters and with each filter (board, category, state, date range, all at
 * once), through the same function the API calls: CPU time of the searching thread and wall
 * time, per filter mode and per kind of query, and the size of the search tables (dbstat).
 * Writes its section of BENCHMARKS.md.
 *
 *   node bench/search.ts            (also run at the end of `npm run bench`)
 *   BENCH_SEARCH_NOTICES=10000 BENCH_SEARCH_ROUNDS=3 node bench/search.ts    (quicker)
 *   BENCH_KEEP=1 …, then BENCH_SEARCH_DB=<folder> node bench/search.ts  (measure again on that store; BENCHMARKS.md untouched)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { searchNotices, type SearchFilters } from '../src-main/search/search.ts';
import { Store } from '../src-main/store/store.ts';

const N = Number(process.env.BENCH_SEARCH_NOTICES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 10);
const root = resolve(import.meta.dirname, '..');
const NOW = Date.parse('2026-11-21T08:00:00.000Z');
const DAY = 86_400_000;
const BOARDS = ['horni-lhota', 'dolni-ves', 'stara-hora', 'nove-mesto', 'zelena-lhota'];
const CATEGORIES = ['Veřejná vyhláška', 'Záměr prodeje', 'Zasedání zastupitelstva', 'Oznámení', 'Rozpočet', 'Stavební řízení', 'Exekuce', 'Územní plán'];

// A realistic vocabulary: real notices use tens of thousands of word forms with a Zipf
// distribution, so most words are rare and a few (function words, "obec", "úřad") are in nearly
// every notice. Rank order: ~80 real Czech function words, ~350 real words of notices, then
// 20,000 generated Czech-like word forms (syllables with diacritics, inflectional endings).
// Word of rank r is drawn with probability ∝ 1/r (Zipf, s = 1).
const FUNCTION_WORDS = (`a v na se je že do o k s z ze pro podle při od po za který která které kterou jež jeho její jejich
nebo i také tak jako ale už jen by bude byl byla bylo budou jsou být má mají může musí lze dne roku č Sb zákona zákon
tohoto této tento tato toto tím ve ke ku se mu jim mezi nad pod před bez až až do dle vůči kde kdy pokud aby než
uvedené uvedený ustanovení odst písm §`).split(/\s+/).filter(Boolean);
const DOMAIN_WORDS = (`obec obce obci úřad úřadu oznámení oznamuje veřejná vyhláška vyhlášky žádost žádosti žadatel stavební stavby
povolení rozhodnutí řízení územní územního plánu plán změna změny pozemek pozemku pozemků parcela parcelní číslo katastrální
území zastupitelstvo zastupitelstva zasedání jednání program bod usnesení rozpočet rozpočtu rozpočtové opatření střednědobý
výhled závěrečný účet hospodaření příjmy výdaje dotace dotační kanalizace vodovod čistírna odpadních vod komunikace
silnice chodník uzavírka objížďka oprava rekonstrukce výstavba přechodná úprava provozu dopravní značení odbor životního
prostředí kácení dřevin lesní hospodářství myslivost honitba exekuční příkaz dražba dražební nemovitost byt dům
rodinný bytový nájem pronájem prodej záměr prodat směna darování věcné břemeno služebnost elektrická přípojka plynovod
veřejné osvětlení hřbitov hrob nájemné poplatek místní poplatky odpady odpadu svoz komunální tříděný sběrný dvůr kontejner
občanský průkaz cestovní pas matrika sňatek narození úmrtí volby voleb okrsek okrsková volební komise kandidát
hasiči hasičská zbrojnice jednotka sboru dobrovolných škola mateřská základní školka zápis dětí tělocvična hřiště
sportovní kulturní knihovna obecní les pole louka potok rybník povodeň povodňový krizové sirény
zkouška varovného signálu nařízení kraje krajský ministerstvo finanční správa pracoviště
stavebník projektová dokumentace účastníci námitky lhůta dnů ode doručení vyvěšení sejmutí odvolání podatelna
pondělí úterý středa čtvrtek pátek leden únor březen duben květen červen červenec srpen září říjen listopad prosinec
pan paní starosta starostka místostarosta tajemník referent oddělení zemědělský půdní fond ochrana přírody krajiny
čtvrť ulice náměstí Husova Masarykova Nádražní Polní Školní Zahradní Lipová Krátká Dlouhá Výsluní Potoka`).split(/\s+/).filter(Boolean);

// Deterministic PRNG (mulberry32): the same corpus on every run.
let seed = 42;
const rnd = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;

const GENERATED = 20_000;
const ONSETS = ['b', 'c', 'č', 'd', 'ď', 'h', 'ch', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 'ř', 's', 'š', 't', 'v', 'z', 'ž', 'st', 'pr', 'tr', 'kr', 'sl', 'zd', 'sp', 'hr', 'dv', 'br', 'ml'];
const VOWELS = ['a', 'a', 'e', 'e', 'i', 'o', 'o', 'u', 'y', 'á', 'é', 'ě', 'í', 'ý', 'ů', 'ú'];
const CODAS = ['', '', '', 'n', 'k', 'l', 's', 't', 'r', 'ch', 'm', 'š'];
const ENDINGS = ['', '', 'ní', 'ský', 'ská', 'ové', 'ost', 'ek', 'ka', 'ce', 'ení', 'ích', 'ého', 'ou', 'ám', 'y'];
function generatedWords(): string[] {
  const seen = new Set([...FUNCTION_WORDS, ...DOMAIN_WORDS].map((w) => w.toLowerCase()));
  const out: string[] = [];
  while (out.length < GENERATED) {
    let w = '';
    const syllables = 2 + Math.floor(rnd() * 3);
    for (let s = 0; s < syllables; s++) w += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? '' : pick(CODAS));
    w += pick(ENDINGS);
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
}
const VOCAB = [...FUNCTION_WORDS, ...DOMAIN_WORDS, ...generatedWords()];
const CUMULATIVE = (() => {
  let sum = 0;
  return VOCAB.map((_, r) => (sum += 1 / (r + 1)));
})();
const zipf = (): string => {
  const x = rnd() * CUMULATIVE[CUMULATIVE.length - 1]!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCAB[lo]!;
};
/** Without diacritics, as people type. */
const plain = (w: string): string => w.normalize('NFD').replace(/\p{M}/gu, '');
const sentence = (n: number): string => {
  const w = Array.from({ length: n }, zipf);
  w[0] = w[0]!.charAt(0).toUpperCase() + w[0]!.slice(1);
  return `${w.join(' ')}${rnd() < 0.3 ? ` ${Math.floor(rnd() * 2000)}/${2020 + Math.floor(rnd() * 7)}` : ''}.`;
};
const paragraph = (chars: number): string => {
  let s = '';
  while (s.length < chars) s += `${sentence(6 + Math.floor(rnd() * 12))} `;
  return s.trim();
};

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

function load(store: Store): { seconds: number; textMb: number } {
  const t0 = performance.now();
  const iso = (t: number): string => new Date(t).toISOString();
  let textBytes = 0;
  for (const b of BOARDS) store.createBoard({ id: b, name: `Obecní úřad ${b}`, ico: '00012345', timeZone: 'Europe/Prague', publicUrl: `https://${b}.example/` }, NOW);
  const blob = store.db.prepare("INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, 'application/pdf', ?)");
  const text = store.db.prepare("INSERT INTO attachment_texts (sha256, status, text, pages, extracted_at) VALUES (?, 'ok', ?, ?, ?)");
  const notice = store.db.prepare(`INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark,
      post_at, remove_at, published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'bench', ?, ?, 1)`);
  const attach = store.db.prepare("INSERT INTO notice_attachments (notice_id, sha256, name, position) VALUES (?, ?, 'priloha.pdf', 1)");
  const shas: string[] = [];
  const BATCH = 5_000;
  for (let start = 0; start < N; start += BATCH) {
    store.db.transaction(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        // One notice in ten shares the document of an earlier one (the same decree on two boards).
        let sha: string;
        if (shas.length > 0 && rnd() < 0.1) sha = shas[Math.floor(rnd() * shas.length)]!;
        else {
          sha = createHash('sha256').update(`bench-${i}`).digest('hex');
          const body = paragraph(800 + Math.floor(rnd() * 2400));
          textBytes += Buffer.byteLength(body);
          blob.run(sha, body.length * 20, iso(NOW));
          text.run(sha, body, 1 + Math.floor(body.length / 2500), iso(NOW));
          shas.push(sha);
        }
        const created = NOW - Math.floor(rnd() * 5 * 365) * DAY;
        const draft = rnd() < 0.03;
        const post = draft ? null : created + Math.floor(rnd() * 3) * DAY;
        const remove = post === null ? null : post + (15 + Math.floor(rnd() * 30)) * DAY;
        const withdrawn = post !== null && rnd() < 0.02 ? iso(post + DAY) : null;
        const id = `n${i}`;
        notice.run(id, BOARDS[i % BOARDS.length], sentence(3 + Math.floor(rnd() * 8)).slice(0, 200), paragraph(100 + Math.floor(rnd() * 400)),
          CATEGORIES[Math.floor(rnd() * CATEGORIES.length)], rnd() < 0.8 ? 'Obecní úřad' : 'Stavební úřad',
          `MULH/${i}/${2021 + (i % 6)}`, rnd() < 0.5 ? `SZ ${Math.floor(i / 3)}/${2021 + (i % 6)}` : '',
          post === null ? null : iso(post), remove === null ? null : iso(remove), post === null ? null : iso(created), withdrawn, iso(created), iso(created));
        attach.run(id, sha);
      }
    })();
  }
  store.db.exec("INSERT INTO notice_search (notice_search) VALUES ('optimize')");
  return { seconds: (performance.now() - t0) / 1000, textMb: textBytes / 1e6 };
}

/** The query set, by kind; every kind is reported on its own too. Common words are the pessimistic case. */
const rare = (rank: number): string => plain(VOCAB[rank]!);
const QUERY_KINDS: [string, string[]][] = [
  ['common word', ['obec', 'zadost', 'rozpocet', 'oznameni', 'rizeni', 'Nádražní', 'matrika', 'dotace']],
  ['rare word', [rare(1_500), rare(4_000), rare(9_000), rare(15_000), rare(20_000)]],
  ['prefix', ['staveb', 'kac', 'vol', 'zastup', rare(6_000).slice(0, 4), rare(12_000).slice(0, 5)]],
  ['two words', ['uzemni plan', 'zasedani zastupitelstva', 'hasicska zbrojnice', 'svoz odpadu', `obec ${rare(7_000)}`, `${rare(2_500)} ${rare(3_500)}`]],
  ['phrase', ['"veřejné osvětlení"', '"stavební řízení"', '"prechodna uprava provozu"', `"${rare(800)} ${rare(900)}"`]],
  ['číslo jednací', ['MULH/4711', 'MULH/98765/2024', 'SZ 123']],
];
const QUERIES = QUERY_KINDS.flatMap(([, qs]) => qs);

const MODES: [string, Partial<SearchFilters>][] = [
  ['no filter (all 5 boards)', {}],
  ['board', { boards: ['dolni-ves'] }],
  ['category', { category: 'Stavební řízení' }],
  ['state = posted', { states: ['posted'] }],
  ['date range (one year)', { from: new Date(NOW - 365 * DAY).toISOString(), to: new Date(NOW).toISOString() }],
  ['board + category + state + date', { boards: ['dolni-ves'], category: 'Stavební řízení', states: ['posted', 'removed'], from: new Date(NOW - 2 * 365 * DAY).toISOString(), to: new Date(NOW).toISOString() }],
];

/** What the figures rest on; written when migration 015 landed (the "before" was measured then, once). */
const NOTES = [
  'How it stays fast with filters on (migration 015, `src-main/search/search.ts`):',
  '- **Filters inside the index.** Each FTS row carries facet tokens: board, category, type, draft and withdrawn marks, the month',
  '  and year it is posted, and once published the month and year it comes down. A selective filter is a term of the MATCH',
  '  (`… AND (fr202611 OR fr202612 OR fr2027 OR frnone)` for "posted"), so FTS5 intersects doclists instead of checking a joined',
  '  table for every match of a common word. Facets only narrow; what they do not settle (the state at the instant, exact dates,',
  '  long names) is still checked on `search_docs` by primary key, so results are exact (a test compares 60 random filter sets',
  '  on 400 notices with filtering by hand). Filters that keep most notices (every board, "removed", a wide date range beside',
  '  other filters) get no term: the intersection would cost more than it saves.',
  '- **Prefix indexes for 2–6 characters** (were 2–3): every typed word is a prefix ("obec"*), and a prefix without an index of',
  '  its length is merged from all its words in memory before the first row (and again for bm25).',
  '- **No column filter.** Facet tokens start with a private-use letter that a typed word cannot contain, so a word never',
  '  matches a facet and needs no `{columns}:` filter (which would cost a position-list scan per match). Date ranges use a',
  '  year token wherever the range covers every month of that year that holds notices (one year back: 3 terms, not 13).',
  '- **Snippets from a newest-first cursor that stops at the last hit.** The page\'s snippets came from a cursor over the rowid',
  '  range of its hits; FTS5 seeks such a range from the oldest match (3 ms for "obec" alone).',
  '- Ranking unchanged: bm25 with column weights over the newest 2,000 filtered matches (`RANK_WINDOW`), then the page.',
  '',
  'Before (main at 865f452, same corpus and store, same machine, measured the same way right before, load average ~12):',
  'CPU p50 8.3 ms, **p95 34 ms**; "state = posted" p95 41 ms, slowest `obec` (state = posted) 62 ms.',
  'What is left: each query pays bm25\'s document frequency of every term (a scan of its whole doclist: ~2 ms for "obec"*) and',
  'words longer than 6 letters are still merged from the main index ("zastupitelstva"*), once to rank and once for snippets.',
  'Migration 015 rebuilds the index of an existing store: 192 s for these 100,000 notices (on the loaded machine).',
  'Writes pay for the larger index: loading 10,000 notices through the triggers took 17 s against 14 s with the 008 index',
  '(`BENCH_SEARCH_NOTICES=10000`, back to back); a publish or withdrawal now also re-indexes that one notice (its facets).',
];

/** Sizes of the search tables, MB (dbstat): the FTS index itself, its copy of the text, and the rest. */
function searchSizes(store: Store): { index: number; content: number; other: number } {
  const rows = store.db.prepare(`SELECT name, SUM(pgsize) AS bytes FROM dbstat
    WHERE name LIKE 'notice_search%' OR name LIKE 'search_docs%' GROUP BY name`).all() as { name: string; bytes: number }[];
  const mb = (f: (n: string) => boolean): number => rows.filter((r) => f(r.name)).reduce((a, r) => a + r.bytes, 0) / 1e6;
  return {
    index: mb((n) => n === 'notice_search_data' || n === 'notice_search_idx'),
    content: mb((n) => n === 'notice_search_content'),
    other: mb((n) => n === 'notice_search_docsize' || n === 'notice_search_config' || n.startsWith('search_docs')),
  };
}

/** CPU time of this thread, ms (the search runs on it; the neighbours on the machine do not count). */
const cpuMs = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

// BENCH_SEARCH_DB=<folder>: reuse a store that BENCH_KEEP=1 left (same N), to iterate on queries;
// it is migrated first if it is older (migration 015 rebuilds the index: the time is printed).
const reuse = process.env.BENCH_SEARCH_DB;
const dir = reuse ?? mkdtempSync(join(tmpdir(), 'deska-bench-search-'));
const openedAt = performance.now();
const store = Store.open(dir, () => NOW);
if (reuse) console.log(`opened (and migrated) in ${((performance.now() - openedAt) / 1000).toFixed(1)} s`);
try {
  const loaded = reuse ? { seconds: 0, textMb: 0 } : load(store);
  store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const dbMb = statSync(join(dir, 'deska.sqlite')).size / 1e6;
  const sizes = searchSizes(store);
  const rows: string[] = [];
  const allCpu: number[] = [];
  const allWall: number[] = [];
  const byKind = new Map<string, { cpu: number[]; wall: number[] }>(QUERY_KINDS.map(([k]) => [k, { cpu: [], wall: [] }]));
  const kindOf = new Map(QUERY_KINDS.flatMap(([k, qs]) => qs.map((q) => [q, k] as const)));
  const perQuery = new Map<string, number[]>();
  let worst = { q: '', mode: '', cpu: 0 };
  for (const q of QUERIES) searchNotices(store.db, q, { boards: BOARDS }, { limit: 20, offset: 0 }, NOW); // warm the page cache
  // Each (query, filter mode) runs ROUNDS times in a row: its CPU time is the mean of those runs
  // (the thread's CPU clock ticks in milliseconds, too coarse for one run), its wall time is every run.
  for (const [name, f] of MODES) {
    const cpu: number[] = [];
    const wall: number[] = [];
    let hits = 0;
    for (const q of QUERIES) {
      const c0 = cpuMs();
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        const page = searchNotices(store.db, q, { boards: BOARDS, ...f }, { limit: 20, offset: 0 }, NOW);
        const t = performance.now() - t0;
        wall.push(t);
        byKind.get(kindOf.get(q)!)!.wall.push(t);
        if (r === 0) hits += page.results.length;
      }
      const c = (cpuMs() - c0) / ROUNDS;
      cpu.push(c);
      byKind.get(kindOf.get(q)!)!.cpu.push(c);
      perQuery.set(`${q} (${name})`, [c]);
      if (c > worst.cpu) worst = { q, mode: name, cpu: c };
    }
    allCpu.push(...cpu);
    allWall.push(...wall);
    rows.push(`| ${name} | ${cpu.length} × ${ROUNDS} | ${ms(pct(cpu, 50))} | ${ms(pct(cpu, 95))} | ${ms(pct(wall, 50))} | ${ms(pct(wall, 95))} | ${ms(Math.max(...wall))} | ${(hits / QUERIES.length).toFixed(1)} |`);
  }
  if (process.env.BENCH_VERBOSE) {
    for (const [q, t] of [...perQuery].sort((a, b) => pct(b[1], 50) - pct(a[1], 50)).slice(0, 25)) console.log(`${ms(pct(t, 50)).padStart(8)}  ${q}`);
  }
  const kindRows = QUERY_KINDS.map(([k, qs]) => {
    const t = byKind.get(k)!;
    return `| ${k} | ${qs.map((q) => `\`${q}\``).join(', ')} | ${t.cpu.length} | ${ms(pct(t.cpu, 50))} | ${ms(pct(t.cpu, 95))} | ${ms(pct(t.wall, 95))} |`;
  });
  const section = [
    '<!-- search:start -->',
    `## Search: ${N.toLocaleString('en')} notices with attachment text`,
    '',
    `Command: \`BENCH_SEARCH_NOTICES=${N} node bench/search.ts\` (also at the end of \`npm run bench\`). ${cpus().length} cores (${cpus()[0]?.model ?? '?'}),`,
    'shared with other jobs while measured. CPU time is the search thread\'s own (`process.threadCpuUsage`), which the',
    'neighbours on the machine do not inflate; wall time is what a caller waited, neighbours included.',
    '',
    `Corpus: ${N.toLocaleString('en')} notices on ${BOARDS.length} boards, ${CATEGORIES.length} categories, five years of posting dates, each with one attachment (one in ten`,
    `shares an earlier one's file)${loaded.textMb > 0 ? `, ${loaded.textMb.toFixed(0)} MB of attachment text (800–3,200 characters each)` : ''}, plus title, description, číslo jednací`,
    `and spisová značka; loaded through the real schema and its triggers${loaded.seconds > 0 ? ` in ${loaded.seconds.toFixed(0)} s` : ''}; the store is ${dbMb.toFixed(0)} MB.`,
    `Search tables: FTS5 index ${sizes.index.toFixed(0)} MB (prefix indexes for 2–6 characters and facet tokens included), its copy of the`,
    `indexed text ${sizes.content.toFixed(0)} MB, document sizes and the filter table with its indexes ${sizes.other.toFixed(0)} MB.`,
    `The text is drawn from a vocabulary of ${VOCAB.length.toLocaleString('en')} word forms with a Zipf distribution (probability ∝ 1/rank), like real`,
    `Czech notices: ${FUNCTION_WORDS.length} real function words and ${DOMAIN_WORDS.length} real words of notices ("obec", "žádost", "řízení"… are in a large share of`,
    `all notices), then ${GENERATED.toLocaleString('en')} generated Czech-like forms with diacritics (most in a few hundred notices or fewer).`,
    `${QUERIES.length} queries (below, typed without diacritics where people do) × ${ROUNDS} rounds × ${MODES.length} filter modes, first page of 20 with`,
    'snippets, via `searchNotices` (what `GET /api/v1/search` runs).',
    '',
    '| filters | n | CPU p50 | CPU p95 | wall p50 | wall p95 | wall max | results per query |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **all modes** | ${allCpu.length} × ${ROUNDS} | ${ms(pct(allCpu, 50))} | **${ms(pct(allCpu, 95))}** | ${ms(pct(allWall, 50))} | **${ms(pct(allWall, 95))}** | ${ms(Math.max(...allWall))} | |`,
    '',
    'By kind of query, over all filter modes:',
    '',
    '| kind | queries | n | CPU p50 | CPU p95 | wall p95 |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...kindRows,
    '',
    `Target: p95 ≤ 20 ms. Slowest query (mean CPU): \`${worst.q}\` (${worst.mode}), ${ms(worst.cpu)}. Load average while measured: ${loadavg().map((l) => l.toFixed(1)).join(', ')}.`,
    '',
    ...NOTES,
    '<!-- search:end -->',
    '',
  ].join('\n');
  if (!reuse) {
    const file = join(root, 'BENCHMARKS.md');
    const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
    // In place when the section is there (the other sections keep their order), else at the end.
    const marked = /<!-- search:start -->[\s\S]*?<!-- search:end -->\n?/;
    writeFileSync(file, marked.test(old) ? old.replace(marked, () => section) : `${old.trimEnd()}\n\n${section}`);
  }
  console.log(section);
} finally {
  store.close();
  if (process.env.BENCH_KEEP || reuse) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
