/**
 * hledani/hledani.js, the mirror's only script: the search page asks the Pagefind index in
 * ../pagefind/ (its shards merged; same site, nothing from elsewhere) and lists the notices found. The page's words
 * come from the page itself (a JSON block, in the page's language). Without JavaScript the form
 * reloads the page, which lists the categories; a missing index says so the same way.
 * Every text from the index goes in as text, never as markup.
 */
export const SEARCH_SCRIPT = `// Deska: search of the web mirror (Pagefind). Works on hledani/ only.
const texts = JSON.parse(document.getElementById('hledani-texty')?.textContent || '{}');
const form = document.getElementById('hledani-formular');
const input = document.getElementById('dotaz');
const results = document.getElementById('vysledky');
const fallback = document.getElementById('hledani-stav');
let pagefind = null;
// The mirror's root (this script is hledani/hledani.js there) and this language version's place in it.
const siteRoot = new URL('../', import.meta.url);
const prefix = typeof texts.prefix === 'string' ? texts.prefix : '';

/** A result's page in the version being read (Pagefind names the board's own version's page). */
function pageOf(url) {
  const path = new URL(url, location.href).pathname;
  const rel = path.startsWith(siteRoot.pathname) ? path.slice(siteRoot.pathname.length) : path.replace(/^[/]+/, '');
  return new URL(prefix + rel, siteRoot).href;
}

/**
 * The index is in shards (pagefind/<n>/, listed in pagefind/shards.json), each a Pagefind bundle:
 * the first is opened, the others merged into it.
 */
async function openIndex() {
  const base = new URL('../pagefind/', import.meta.url);
  const reply = await fetch(new URL('shards.json', base));
  if (!reply.ok) throw new Error('no index');
  const shards = await reply.json();
  if (!Array.isArray(shards) || shards.length === 0) throw new Error('no index');
  const pf = await import(new URL(shards[0] + '/pagefind.js', base).href);
  await pf.init();
  for (const s of shards.slice(1)) await pf.mergeIndex(new URL(s + '/', base).href);
  return pf;
}

/** Ids of notices the index still holds but the board no longer shows (pagefind/hidden.json; none: no such file). */
async function hiddenNotices() {
  try {
    const reply = await fetch(new URL('../pagefind/hidden.json', import.meta.url), { cache: 'no-store' });
    const ids = reply.ok ? await reply.json() : [];
    return new Set(Array.isArray(ids) ? ids : []);
  } catch {
    return new Set();
  }
}

/** The notice id of a result's page (…/oznameni/<id>/), or null. */
function noticeOf(url) {
  const m = /oznameni[/]([^/]+)[/]/.exec(url);
  return m ? m[1] : null;
}

function say(text) {
  const p = document.createElement('p');
  p.className = 'search-status';
  p.textContent = text;
  results.replaceChildren(p);
  return p;
}

/** Pagefind's excerpt marks the words found with <mark> and escapes < and >: rebuilt as text nodes. */
function excerpt(raw) {
  const p = document.createElement('p');
  raw.split(/(<mark>|<\\/mark>)/).reduce((marked, part) => {
    if (part === '<mark>') return true;
    if (part === '</mark>') return false;
    if (part === '') return marked;
    const text = part.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    if (marked) {
      const m = document.createElement('mark');
      m.textContent = text;
      p.append(m);
    } else p.append(text);
    return marked;
  }, false);
  return p;
}

async function run(query) {
  const q = query.trim();
  if (q === '') {
    results.replaceChildren();
    return;
  }
  // A board with no notice posted has an empty index (Pagefind cannot open one): nothing to find.
  if (texts.total === 0) {
    say(texts.none.replace('{q}', q));
    return;
  }
  say(texts.searching);
  try {
    pagefind ??= await openIndex();
    const found = await pagefind.search(q);
    // Notices removed or changed a moment ago, while their shard of the index is being remade: never listed.
    const hidden = await hiddenNotices();
    const loaded = await Promise.all(found.results.slice(0, 50 + hidden.size).map((r) => r.data()));
    const data = loaded.filter((d) => !hidden.has(noticeOf(d.url))).slice(0, 50);
    const total = found.results.length - (loaded.length - loaded.filter((d) => !hidden.has(noticeOf(d.url))).length);
    if (data.length === 0) {
      say(texts.none.replace('{q}', q));
      return;
    }
    const status = say(texts.found.replace('{n}', String(total)) + (total > data.length ? ' ' + texts.first.replace('{n}', String(data.length)) : ''));
    const list = document.createElement('ol');
    list.className = 'notices hits';
    for (const d of data) {
      const li = document.createElement('li');
      const h = document.createElement('h2');
      const a = document.createElement('a');
      a.href = pageOf(d.url);
      if (texts.content) a.lang = texts.content;
      a.textContent = d.meta.title || d.url;
      h.append(a);
      li.append(h);
      if (d.meta.category) {
        const c = document.createElement('p');
        c.className = 'hit-category';
        c.append(texts.category + ': ');
        const name = document.createElement('span');
        name.textContent = d.meta.category;
        if (texts.content) name.lang = texts.content;
        c.append(name);
        li.append(c);
      }
      const ex = excerpt(d.excerpt || '');
      if (texts.content) ex.lang = texts.content;
      li.append(ex);
      list.append(li);
    }
    status.after(list);
  } catch {
    say(texts.unavailable);
  }
}

if (form && input && results) {
  if (fallback) fallback.textContent = texts.browse;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('q', input.value);
    history.replaceState(null, '', url);
    void run(input.value);
  });
  const q = new URLSearchParams(location.search).get('q') || '';
  input.value = q;
  void run(q);
}
`;
