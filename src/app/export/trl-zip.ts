/** The app's "Export to TRL": the files of `exportToTrl` (the CLI writes the same), as one zip. */
import { exportToTrl, type Acceptable } from '../../core/export/trl';
import { zipFiles } from '../../core/export/zip';
import type { Experiment } from '../../core/experiment/schema';
import { downloadBlob } from './download';

/** Downloads the zip, or returns the reasons the export was refused (path: message). */
export function downloadTrlExport(experiment: Experiment, accept: Acceptable[], stem: string): string[] {
  const result = exportToTrl(experiment, { accept });
  if (!result.ok) return result.problems.map((p) => `${p.path}: ${p.message}`);
  const bytes = zipFiles(result.files);
  downloadBlob(new Blob([bytes.slice().buffer], { type: 'application/zip' }), `${stem}-trl.zip`);
  return [];
}
