import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the pages (packages/dashboard/dist/web). */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

// Styles: PatternFly sets CSS variables in style attributes. Scripts: only our own bundle.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/**
 * Serves the built pages from memory (a few hundred kB, read once): hashed assets cached for a
 * year, every other GET outside /api answered with index.html so the pages' own routes load.
 */
export function registerStatic(app: FastifyInstance, root: string = WEB_ROOT): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    app.get('/*', async (_req, reply) => reply.code(503).type('text/plain; charset=utf-8').send('the pages are not built: run `npm run build` first\n'));
    return;
  }
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const p of filesUnder(root)) {
    files.set('/' + relative(root, p).split(sep).join('/'), { body: readFileSync(p), type: TYPES[extname(p)] ?? 'application/octet-stream' });
  }
  const page = files.get('/index.html')!;
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', CSP);
    return payload;
  });
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/api/')) return reply.code(404).send({ error: { code: 'not_found', message: `no route GET ${path}` } });
    const f = files.get(path);
    if (f && path !== '/index.html') {
      reply.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.type(f.type).send(f.body);
    }
    reply.header('cache-control', 'no-cache');
    return reply.type(page.type).send(page.body);
  });
}
