// The browser tests' page: the app's run pool and its test hook, without the UI, so that the
// worker and pool tests do not depend on the state of the Svelte app.
import { installTestHookIfRequested } from '../../../src/client/test-hook';

installTestHookIfRequested();
