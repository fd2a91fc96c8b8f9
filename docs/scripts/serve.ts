// Serves the built site (docs/.vitepress/dist) on 127.0.0.1 the way GitHub Pages does: under /binance-errors/,
// with clean URLs (/errors/x → errors/x.html, /errors/ → errors/index.html) and 404.html for anything else.
// Run: node docs/scripts/serve.ts [port]   (npm run docs:preview)
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = '/binance-errors/';
export const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a URL path maps to under `dist`, or `undefined` (then 404.html is served). */
export function resolveFile(dist: string, pathname: string): string | undefined {
  if (!pathname.startsWith(BASE)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(BASE.length));
  } catch {
    return undefined;
  }
  const full = normalize(join(dist, rel));
  if (full !== dist && !full.startsWith(dist + sep)) return undefined;
  const candidates = rel === '' || rel.endsWith('/') ? [join(full, 'index.html')] : [full, `${full}.html`];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Starts the server on 127.0.0.1 (port 0 = any free port) and resolves with it and its base URL. */
export async function serve(port = 0, dist = DIST): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname === '/' || pathname === BASE.slice(0, -1)) {
      res.writeHead(302, { location: BASE }).end();
      return;
    }
    const file = resolveFile(dist, pathname);
    const status = file ? 200 : 404;
    const path = file ?? join(dist, '404.html');
    res.writeHead(status, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}${BASE}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('docs: no build in docs/.vitepress/dist. Run `npm run docs:build` first.');
    process.exit(1);
  }
  const { url } = await serve(Number(process.argv[2] ?? 4173));
  console.log(`docs: serving ${DIST} at ${url} (Ctrl+C stops it)`);
}
