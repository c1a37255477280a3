/**
 * Parses and validates an imported file off the main thread: a runs file of 50,000 metric records
 * takes longer than a frame to decode, parse and check, and the page must not freeze meanwhile.
 * One message in (the file's bytes, transferred), one out (the `Parsed<Imported>` result).
 */
import { parseImport } from '../src/app/model/saved-run';

self.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
  self.postMessage(parseImport(new Uint8Array(event.data)));
});
