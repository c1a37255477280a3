// The policy check page: each call starts a fresh module worker (the app's backend selection and
// policy code, see policy-check.worker.ts), runs the check there and ends the worker.
import * as Comlink from 'comlink';
import type { PolicyCheckApi, PolicyCheckBackend, PolicyCheckResult } from './policy-check.worker';

export type { PolicyCheckBackend, PolicyCheckResult };

export interface PolicyCheckHook {
  run(backend: PolicyCheckBackend): Promise<PolicyCheckResult>;
}

declare global {
  interface Window {
    __policyCheck?: PolicyCheckHook;
  }
}

window.__policyCheck = {
  async run(backend) {
    const worker = new Worker(new URL('./policy-check.worker.ts', import.meta.url), {
      type: 'module',
      name: `policy-check-${backend}`,
    });
    try {
      return await Comlink.wrap<PolicyCheckApi>(worker).run(backend);
    } finally {
      worker.terminate();
    }
  },
};
