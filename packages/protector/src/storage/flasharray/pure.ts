import { StorageError } from '../errors.js';
import type { StorageClock } from '../types.js';
import { FlashArrayDriver } from './driver.js';
import { RestArrayPort } from './rest-port.js';
import { FlashArraySession, type FlashArraySessionOptions } from './rest/index.js';

/** One array's management endpoint, from the site registration. */
export interface PureArrayEndpoint {
  url: string;
  apiToken: string;
}

export interface PureDriverConfig {
  localArray: string;
  peerArray: string;
  local: PureArrayEndpoint;
  peer: PureArrayEndpoint;
  /** Session options shared by both arrays: CA bundle, verification, timeouts, versions, warnings. */
  session?: Omit<FlashArraySessionOptions, 'array' | 'url' | 'apiToken'>;
  clock?: StorageClock;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  replicaWaitMs?: number;
}

/**
 * The production driver: the FlashArray driver over REST 2.x ports to the two arrays. Nothing is
 * called here; each session connects (negotiates, logs in, checks the array's name) on first use.
 */
export function createPureDriver(config: PureDriverConfig): FlashArrayDriver {
  const port = (array: string, e: PureArrayEndpoint, side: string): RestArrayPort => {
    const missing = [e.url ? null : 'url', e.apiToken ? null : 'API token'].filter((x) => x !== null);
    if (missing.length > 0) {
      throw new StorageError(
        'invalid',
        `pure storage driver: the ${side} array '${array}' has no ${missing.join(' and ')} registered (set them with protector site create --array-url --array-api-token)`,
      );
    }
    return new RestArrayPort(new FlashArraySession({ ...config.session, array, url: e.url, apiToken: e.apiToken, sleep: config.session?.sleep }), array);
  };
  return new FlashArrayDriver({
    name: 'pure',
    local: port(config.localArray, config.local, 'local'),
    peer: port(config.peerArray, config.peer, 'peer'),
    clock: config.clock,
    pollIntervalMs: config.pollIntervalMs,
    sleep: config.sleep,
    replicaWaitMs: config.replicaWaitMs,
  });
}
