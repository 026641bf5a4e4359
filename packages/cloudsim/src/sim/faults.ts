import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, badRequest } from '../http/errors.js';

export const SERVICE_NAMES = ['keystone', 'nova', 'cinder', 'neutron', 'glance'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One service's injected behaviour. */
export interface Fault {
  /** Connection refused: the service's port is closed. */
  down: boolean;
  /** Fraction of requests (0..1) answered with 503 in the service's own error shape. */
  error_rate: number;
  /** Delay added before every request, in milliseconds. */
  latency_ms: number;
}

const healthy = (): Fault => ({ down: false, error_rate: 0, latency_ms: 0 });

/** A boot failure: servers created while their name matches fail to build, as a scheduling failure. */
export interface BootFault {
  /** Glob on the server name; `*` matches any run of characters. */
  name_pattern: string;
  /** Appended to Nova's "No valid host was found." in the server's fault. */
  message: string;
}

/** Nova's own words after "No valid host was found." when a boot fault gives none. */
export const DEFAULT_BOOT_FAULT_MESSAGE = 'There are not enough hosts available.';

/** A `*` glob as an anchored regular expression; every other character is literal. */
function globRegExp(pattern: string): RegExp {
  const literal = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${pattern.split('*').map(literal).join('.*')}$`, 's');
}

/**
 * The fault switches of one site. A service's effective fault combines its own switch with the
 * site-wide one ("all"): down if either is down, the larger error rate, the summed latency.
 */
export class FaultSwitch {
  private readonly faults = new Map<string, Fault>();
  /** Boot failures by name pattern, in the order they were set. */
  private readonly boots = new Map<string, { fault: BootFault; re: RegExp }>();

  constructor(
    /** Called when a service's effective down state may have changed. */
    private readonly onDownChange: (service: ServiceName, down: boolean) => Promise<void> = async () => {},
    private readonly random: () => number = Math.random,
  ) {}

  get(target: string): Fault {
    return { ...(this.faults.get(target) ?? healthy()) };
  }

  effective(service: string): Fault {
    const own = this.get(service);
    const all = this.get('all');
    return {
      down: own.down || all.down,
      error_rate: Math.max(own.error_rate, all.error_rate),
      latency_ms: own.latency_ms + all.latency_ms,
    };
  }

  snapshot(): Record<string, Fault> {
    return Object.fromEntries(['all', ...SERVICE_NAMES].map((s) => [s, this.get(s)]));
  }

  /** Sets some fields of a target's fault ("all" or a service name); validates like an API. */
  async set(target: string, change: Partial<Fault>): Promise<Fault> {
    if (target !== 'all' && !(SERVICE_NAMES as readonly string[]).includes(target)) {
      throw badRequest(`service: unknown service '${target}'; expected all or one of ${SERVICE_NAMES.join(', ')}`);
    }
    const next = { ...this.get(target) };
    if (change.down !== undefined) {
      if (typeof change.down !== 'boolean') throw badRequest('down: must be a boolean');
      next.down = change.down;
    }
    if (change.error_rate !== undefined) {
      if (typeof change.error_rate !== 'number' || !(change.error_rate >= 0 && change.error_rate <= 1)) {
        throw badRequest('error_rate: must be a number from 0 to 1');
      }
      next.error_rate = change.error_rate;
    }
    if (change.latency_ms !== undefined) {
      if (!Number.isInteger(change.latency_ms) || change.latency_ms < 0 || change.latency_ms > 600_000) {
        throw badRequest('latency_ms: must be an integer from 0 to 600000');
      }
      next.latency_ms = change.latency_ms;
    }
    this.faults.set(target, next);
    await this.syncDown();
    return next;
  }

  /** Clears every switch, boot failures included. */
  async clear(): Promise<void> {
    this.faults.clear();
    this.boots.clear();
    await this.syncDown();
  }

  /**
   * Makes the boot of servers whose name matches `pattern` (a `*` glob) fail: created while it
   * is set, they go BUILD → ERROR with "No valid host was found. <message>". Setting a pattern
   * again replaces its message. Validates like an API.
   */
  failBoots(pattern: string, message?: string): BootFault {
    if (typeof pattern !== 'string' || pattern === '' || pattern.length > 255) {
      throw badRequest('name_pattern: must be a string of 1 to 255 characters');
    }
    if (message !== undefined && (typeof message !== 'string' || message.length > 1024)) {
      throw badRequest('message: must be a string of at most 1024 characters');
    }
    const fault: BootFault = { name_pattern: pattern, message: message?.trim() || DEFAULT_BOOT_FAULT_MESSAGE };
    this.boots.delete(pattern);
    this.boots.set(pattern, { fault, re: globRegExp(pattern) });
    return { ...fault };
  }

  /** The boot failures set, oldest first. */
  bootFaults(): BootFault[] {
    return [...this.boots.values()].map((b) => ({ ...b.fault }));
  }

  clearBoots(): void {
    this.boots.clear();
  }

  /** The fault message a server of this name gets if its boot is to fail now (first matching pattern), else undefined. */
  bootFailure(serverName: string): string | undefined {
    for (const b of this.boots.values()) {
      if (b.re.test(serverName)) return `No valid host was found. ${b.fault.message}`;
    }
    return undefined;
  }

  private async syncDown(): Promise<void> {
    for (const s of SERVICE_NAMES) await this.onDownChange(s, this.effective(s).down);
  }

  /** Applied to every request a service receives: latency first, then maybe an error. */
  async apply(service: string): Promise<void> {
    const f = this.effective(service);
    if (f.latency_ms > 0) await sleep(f.latency_ms);
    if (f.error_rate > 0 && this.random() < f.error_rate) {
      throw new ApiError(503, `${service} is unavailable (injected fault)`);
    }
  }
}

/** Parses a command-line fault: "nova:down", "cinder:error_rate=0.2", "all:latency_ms=50". */
export function parseFaultArg(arg: string): { target: string; change: Partial<Fault> } {
  const m = /^([a-z]+):(down|up|error_rate=([0-9.]+)|latency_ms=(\d+))$/.exec(arg);
  if (!m) throw new Error(`--fault ${arg}: expected SERVICE:down, SERVICE:error_rate=R or SERVICE:latency_ms=N`);
  const target = m[1]!;
  if (m[2] === 'down') return { target, change: { down: true } };
  if (m[2] === 'up') return { target, change: { down: false } };
  if (m[3] !== undefined) return { target, change: { error_rate: Number(m[3]) } };
  return { target, change: { latency_ms: Number(m[4]) } };
}
