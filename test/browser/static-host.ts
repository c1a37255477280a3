/**
 * A plain static file host for the browser tests, as a course site or a project page serves
 * `dist/`: files under a sub-path, a folder without its trailing slash redirected to it, the usual
 * content types, and optionally the headers of `dist/_headers` (the file Netlify and Cloudflare
 * Pages read), so that a test sees what such a host sends, no more.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export interface StaticHost {
  /** The site's address, ending in the sub-path and a slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * The headers of `_headers` blocks whose path is `/*` (the only form the app ships): lines
 * `  Name: value` under a line `/*`.
 */
export function parseHeadersFile(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let inAll = false;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inAll = line.trim() === '/*';
      continue;
    }
    const match = /^\s+([^:]+):\s*(.*)$/.exec(line);
    if (inAll && match) headers[match[1].trim()] = match[2].trim();
  }
  return headers;
}

export async function serveStatic(
  root: string,
  options: { prefix: string; headersFile?: boolean },
): Promise<StaticHost> {
  const prefix = options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  const extra = options.headersFile ? parseHeadersFile(await readFile(join(root, '_headers'), 'utf8')) : {};
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
      if (path === prefix.slice(0, -1)) {
        res.writeHead(301, { Location: prefix }).end();
        return;
      }
      if (!path.startsWith(prefix)) {
        res.writeHead(404).end('not under the site path');
        return;
      }
      let file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(normalize(root) + sep) && file !== normalize(root)) {
        res.writeHead(403).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      res
        .writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          ...extra,
        })
        .end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the static host has no port');
  return {
    url: `http://127.0.0.1:${address.port}${prefix}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
