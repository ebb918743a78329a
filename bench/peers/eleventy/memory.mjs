/**
 * Eleventy's build in memory (bench/mirror-peers.ts): its programmatic API's toJSON(), nothing written.
 * Run in the site's folder (the bench copies bench/peers/eleventy there with its data).
 */
import Eleventy from '@11ty/eleventy';

const eleventy = new Eleventy('.', '_site', { configPath: 'eleventy.config.mjs', quietMode: true });
const pages = await eleventy.toJSON();
console.log(JSON.stringify({ files: pages.length }));
