/**
 * Links in and out. In: what the address's hash opens, at start and whenever it changes: the paper
 * view (`#paper`, `#paper/<task>/<size>` with that cell open, `#paper/dial` on the Dial tab) or a
 * shared experiment (`#e=...`).
 * A link that cannot be opened says what was wrong and leaves the setup as it was. Out: the share
 * link of the setup, put in the address bar and copied.
 */
import { decodeExperiment, encodeExperiment, hashFor, payloadFromHash } from '../../core/share/codec';
import type { Experiment } from '../../core/experiment/schema';
import { copyText } from '../export/download';
import { paperLink } from '../model/paper';
import { problemLines } from '../model/problems';
import type { ExperimentDraft } from './experiment.svelte';
import type { Messages } from './messages.svelte';

export interface PaperRoute {
  /** The cell a `#paper/<task>/<size>` link named; null opens the grid. */
  cell: { task: string; size: string } | null;
  tab: 'grid' | 'dial';
}

export class LinkRoute {
  /** The paper view, when open. */
  paper: PaperRoute | null = $state(null);
  /** What the share button says for a moment after a share (null: its usual label). */
  shareState: string | null = $state(null);

  constructor(
    private readonly draft: ExperimentDraft,
    private readonly messages: Messages,
  ) {}

  /** Opens what `hash` names; true when it loaded (or failed to load) an experiment. */
  async open(hash: string): Promise<boolean> {
    const paper = paperLink(hash);
    if (paper) {
      this.paper =
        paper === 'dial'
          ? { cell: null, tab: 'dial' }
          : { cell: paper === 'grid' ? null : paper, tab: 'grid' };
      return false;
    }
    const payload = payloadFromHash(hash);
    if (payload === null) return false;
    const decoded = await decodeExperiment(payload, (input) => this.draft.loadInput(input as never));
    if (decoded.ok)
      this.messages.show('info', `Opened “${decoded.value.name}” from the link. Press Run to start it.`);
    else
      this.messages.show(
        'error',
        'This link could not be opened, so the app kept its default experiment. What was wrong:',
        problemLines(decoded.problems),
      );
    return true;
  }

  /** Follows the address's hash; returns the function that stops following it. */
  listen(): () => void {
    const onHash = (): void => void this.open(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }

  openPaper(): void {
    this.paper = { cell: null, tab: 'grid' };
  }

  closePaper(): void {
    this.paper = null;
    // A #paper link has done its job; the address goes back to the app's own.
    if (paperLink(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  }

  /** Loads a paper cell's experiment into the setup (the paper view's "run this cell"). */
  runCell(experiment: Record<string, unknown>): void {
    const parsed = this.draft.loadInput(experiment as never);
    if (!parsed.ok)
      this.messages.show('error', 'The paper cell is not a valid experiment:', problemLines(parsed.problems));
  }

  /**
   * Loads a dial point's experiment (the Dial tab's "run this point here") exactly as a share link
   * carrying it would be opened: encoded, then decoded and validated by the link's own path, so a
   * file's experiment gets no check a link would not, and a refusal says what was wrong.
   */
  async runPoint(experiment: Experiment): Promise<void> {
    await this.open(hashFor(await encodeExperiment(experiment)));
  }

  /** Puts the valid setup's link in the address bar and copies it; where copying fails, shows it. */
  async share(): Promise<void> {
    const url = await this.#shareLink();
    if (!url) return;
    const copied = await copyText(url);
    if (!copied) this.messages.show('info', 'Copy this link to share the experiment:', [url]);
    this.shareState = copied ? 'Link copied ✓' : 'Link in the address bar';
    setTimeout(() => (this.shareState = null), 2500);
  }

  async #shareLink(): Promise<string | null> {
    if (!this.draft.valid) return null;
    const url = `${location.origin}${location.pathname}${location.search}${hashFor(await encodeExperiment(this.draft.valid))}`;
    history.replaceState(null, '', url);
    return url;
  }
}
