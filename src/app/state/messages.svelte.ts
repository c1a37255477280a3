/** Messages shown at the top of the page: a bad link, a rejected file, a storage problem. */

export interface Message {
  id: number;
  kind: 'error' | 'info';
  title: string;
  details?: string[];
}

export class Messages {
  list: Message[] = $state([]);
  #next = 1;

  show(kind: Message['kind'], title: string, details?: string[]): void {
    this.list.push({ id: this.#next++, kind, title, details });
  }

  dismiss(id: number): void {
    this.list = this.list.filter((m) => m.id !== id);
  }
}
