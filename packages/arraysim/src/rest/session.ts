import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';

/** REST 2.x sessions live in the array's memory: a restart or logout ends them. */
export class Sessions {
  private readonly byToken = new Map<string, { user: string; lastUsed: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  open(user: string): string {
    this.sweep();
    const token = randomUUID();
    this.byToken.set(token, { user, lastUsed: this.clock.now() });
    return token;
  }

  /** The session's user, or null if unknown or idle too long; a use restarts the idle period. */
  touch(token: string): string | null {
    const s = this.byToken.get(token);
    if (!s) return null;
    const now = this.clock.now();
    if (now - s.lastUsed >= this.idleMs) {
      this.byToken.delete(token);
      return null;
    }
    s.lastUsed = now;
    return s.user;
  }

  close(token: string): void {
    this.byToken.delete(token);
  }

  /** Drops idle sessions so a client that never logs out cannot grow the map without bound. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [t, s] of this.byToken) if (now - s.lastUsed >= this.idleMs) this.byToken.delete(t);
  }
}
