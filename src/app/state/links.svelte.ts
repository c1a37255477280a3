/**
 * What the address's hash opens, at start and whenever it changes: the paper view (`#paper`, or
 * `#paper/<task>/<size>` with that cell open) or a shared experiment (`#e=...`). A link that cannot
 * be opened says what was wrong and leaves the setup as it was.
 */
import { decodeExperiment, payloadFromHash } from '../../core/share/codec';
import { paperLink } from '../model/paper';
import { problemLines } from '../model/problems';
import type { ExperimentDraft } from './experiment.svelte';
import type { Messages } from './messages.svelte';

export interface PaperRoute {
  /** The cell a `#paper/<task>/<size>` link named; null opens the grid. */
  cell: { task: string; size: string } | null;
}

export class LinkRoute {
  /** The paper view, when open. */
  paper: PaperRoute | null = $state(null);

  constructor(
    private readonly draft: ExperimentDraft,
    private readonly messages: Messages,
  ) {}

  /** Opens what `hash` names; true when it loaded (or failed to load) an experiment. */
  async open(hash: string): Promise<boolean> {
    const paper = paperLink(hash);
    if (paper) {
      this.paper = { cell: paper === 'grid' ? null : paper };
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
    this.paper = { cell: null };
  }

  closePaper(): void {
    this.paper = null;
    // A #paper link has done its job; the address goes back to the app's own.
    if (paperLink(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  }
}
