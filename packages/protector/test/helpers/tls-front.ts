/**
 * An HTTPS front for a plain-HTTP server (the arraysim REST face serves HTTP), with the test
 * certificate of test/fixtures/tls: lets FlashArraySession, which speaks HTTPS only, talk to it.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');

export async function tlsFront(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const t = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer({ key: fixture('server-key.pem'), cert: fixture('server.pem') }, (req, res) => {
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
