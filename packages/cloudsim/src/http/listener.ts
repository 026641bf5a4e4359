import type { FastifyInstance } from 'fastify';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * One service's port. Unlike app.listen(), it can be closed and opened again on the same port
 * while the app and its state live on, which is how a "down" fault refuses connections.
 */
export class Listener {
  private server?: Server;
  private boundPort: number;

  constructor(
    private readonly app: FastifyInstance,
    readonly host: string,
    port: number,
    /** Serve HTTPS with this certificate and key (the array's face, as real arrays are HTTPS only). */
    private readonly tls?: { cert: string; key: string },
  ) {
    this.boundPort = port;
  }

  get port(): number {
    return this.boundPort;
  }

  get protocol(): 'http' | 'https' {
    return this.tls ? 'https' : 'http';
  }

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  async open(): Promise<void> {
    if (this.server) return;
    await this.app.ready();
    const handler = (req: IncomingMessage, res: ServerResponse) => this.app.routing(req, res);
    const server = this.tls
      ? createHttpsServer({ keepAliveTimeout: 5000, cert: this.tls.cert, key: this.tls.key }, handler)
      : createServer({ keepAliveTimeout: 5000 }, handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Port 0 asks the kernel for one; keep it so reopening after a fault uses the same port.
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
