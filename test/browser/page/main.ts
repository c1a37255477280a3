// The browser tests' page: the app's run pool and the test hook (hook.ts), without the UI, so that
// the worker and pool tests do not depend on the state of the Svelte app.
import { createTestHook } from './hook';

window.__focalLab = createTestHook();
