/**
 * Preloaded into Electronegativity (scripts/electronegativity.ts): its HTTP client (got 11)
 * fetches fresh translations and Electron's release list, and on Node 24 its retry after a
 * timeout throws an uncaught error ("The `onCancel` handler was attached after the promise
 * settled") that ends the run. The check needs neither download: every request fails at once
 * here, which Electronegativity handles (its shipped English texts, no release list).
 */
'use strict';
const Module = process.getBuiltinModule('node:module');

const offline = () => Promise.reject(new Error('offline: Deska runs Electronegativity without network'));
const got = Object.assign(offline, { head: offline, get: offline, extend: () => got });
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') return got;
  return load.call(this, request, ...rest);
};
