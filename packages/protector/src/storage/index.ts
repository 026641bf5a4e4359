import type { StorageDriver } from './driver.js';
import { StorageError } from './errors.js';
import { MockStorageDriver, type MockDriverConfig } from './mock/driver.js';

export type { StorageDriver, TransferWaitOptions } from './driver.js';
export { StorageError, isStorageError, type StorageErrorCode } from './errors.js';
export type * from './types.js';
export { MockStorageDriver, type MockDriverConfig } from './mock/driver.js';
export { replicationGroupName } from './naming.js';

/** Configuration of the FlashArray REST 2.x driver (a later issue); accepted so configs can name it. */
export interface PureDriverConfig {
  localArray: string;
  peerArray: string;
  local: { url: string; apiToken: string };
  peer: { url: string; apiToken: string };
}

export type StorageDriverConfig = ({ driver: 'mock' } & MockDriverConfig) | ({ driver: 'pure' } & PureDriverConfig);

/** Builds the driver a site's configuration names. */
export function createStorageDriver(config: StorageDriverConfig): StorageDriver {
  switch (config.driver) {
    case 'mock':
      return new MockStorageDriver(config);
    case 'pure':
      // Refuse clearly rather than start a site that would fail at its first array call.
      throw new StorageError('invalid', "storage driver 'pure' is not available yet (FlashArray REST 2.x driver is a later issue); use driver 'mock'");
    default: {
      const name: unknown = (config as { driver: unknown }).driver;
      throw new StorageError('invalid', `unknown storage driver '${String(name)}' (expected 'mock' or 'pure')`);
    }
  }
}
