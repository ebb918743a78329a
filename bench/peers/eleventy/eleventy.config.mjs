/** Eleventy's side of bench/mirror-peers.ts: Nunjucks templates over _data/site.json (written by the bench). */
export default function (config) {
  config.setQuietMode(true);
  config.addFilter('fill', (text, values) => Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), text));
  return { dir: { input: '.', includes: '_includes', data: '_data' }, templateFormats: ['njk'] };
}
