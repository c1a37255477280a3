/**
 * Lets queued messages (pause, stop, edits) in between training steps. A MessageChannel round trip
 * is a macrotask without setTimeout's 4 ms clamp on nested timers.
 */
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEvents(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node (unit tests): do not keep the process alive for this port.
    (channel.port1 as unknown as { unref?: () => void }).unref?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(0);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
