import { mount } from 'svelte';
import App from './App.svelte';
import { installKeyGuard } from './lib/key-guard.ts';

// The browser's own shortcuts, zoom and context menu are refused before anything else runs.
installKeyGuard(window);
mount(App, { target: document.getElementById('app')! });
