/** Messages shown at the top of the page: a bad link, a rejected file, a storage problem, an undo. */

/** How long a deletion can be undone (the run or the setup comes back as it was). */
export const UNDO_MS = 10_000;

export interface MessageAction {
  label: string;
  run: () => void;
}

export interface Message {
  id: number;
  kind: 'error' | 'info';
  title: string;
  details?: string[];
  /** One button beside the message (for example Undo); the message closes when it is pressed. */
  action?: MessageAction;
}

export class Messages {
  list: Message[] = $state([]);
  #next = 1;

  /** Returns the message's id; `timeoutMs` closes it by itself. */
  show(
    kind: Message['kind'],
    title: string,
    details?: string[],
    options: { action?: MessageAction; timeoutMs?: number } = {},
  ): number {
    const id = this.#next++;
    this.list.push({ id, kind, title, details, ...(options.action ? { action: options.action } : {}) });
    if (options.timeoutMs) setTimeout(() => this.dismiss(id), options.timeoutMs);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((m) => m.id !== id);
  }
}
