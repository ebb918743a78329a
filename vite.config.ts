// Builds the two Svelte front ends (kiosk UI, clerk app) into dist/renderer/{kiosk,clerk}/.
// The Node side serves these files; Electron loads the same files through its custom protocol.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, 'src-renderer');

export default defineConfig({
  root,
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: {
        kiosk: resolve(root, 'kiosk/index.html'),
        clerk: resolve(root, 'clerk/index.html'),
      },
    },
  },
});
