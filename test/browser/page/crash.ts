/** The key of the message that makes the test page's trainer worker throw (see trainer.worker.ts). */
export const CRASH_MESSAGE = 'focalLabCrashForTest';
