import { mount } from 'svelte';
import App from './app/App.svelte';
import { installTestHookIfRequested } from './client/test-hook';
import './app/app.css';

// Browser tests drive the same pool as the UI (only with `?test` in the URL).
installTestHookIfRequested();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
