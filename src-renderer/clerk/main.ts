import { mount } from 'svelte';
import App from './App.svelte';
import './clerk.css';

mount(App, { target: document.getElementById('app')! });
