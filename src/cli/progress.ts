/** A one-line progress bar on stderr (redrawn in place on a terminal, every 10% otherwise). */
export function progressBar(label: string): (done: number, total: number, note?: string) => void {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (done, total, note = '') => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${note}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    else {
      const tenth = Math.floor((done / total) * 10);
      if (tenth !== lastTenth || done === total) process.stderr.write(`${line}\n`);
      lastTenth = tenth;
    }
  };
}
