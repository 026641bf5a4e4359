import type { StorageDriver } from './driver.js';
import { StorageError } from './errors.js';
import { createPureDriver, type PureDriverConfig } from './flasharray/pure.js';
import { MockStorageDriver, type MockDriverConfig } from './mock/driver.js';
import { OffThreadMockDriver } from './mock/off-thread.js';

export type { StorageDriver, TransferWaitOptions } from './driver.js';
export { StorageError, isStorageError, type StorageErrorCode } from './errors.js';
export type * from './types.js';
export { FlashArrayDriver, type FlashArrayDriverOptions } from './flasharray/driver.js';
export type { ArrayPort } from './flasharray/port.js';
export { createPureDriver, type PureArrayEndpoint, type PureDriverConfig } from './flasharray/pure.js';
export { MAX_REST_VERSION, MIN_REST_VERSION, CLIENT_REST_VERSIONS, compareVersions } from './flasharray/rest/index.js';
export { MockStorageDriver, type MockDriverConfig } from './mock/driver.js';
export { OffThreadMockDriver, type OffThreadMockConfig } from './mock/off-thread.js';
export { replicationGroupName } from './naming.js';

export type StorageDriverConfig = ({ driver: 'mock' } & MockDriverConfig) | ({ driver: 'pure' } & PureDriverConfig);

/** Builds the driver a site's configuration names. */
export function createStorageDriver(config: StorageDriverConfig): StorageDriver {
  switch (config.driver) {
    case 'mock':
      if ('path' in config && config.offThread) {
        if (config.clock) throw new StorageError('invalid', 'an off-thread mock driver runs its model on the system clock; a clock cannot be given');
        return new OffThreadMockDriver(config);
      }
      return new MockStorageDriver(config);
    case 'pure':
      return createPureDriver(config);
    default: {
      const name: unknown = (config as { driver: unknown }).driver;
      throw new StorageError('invalid', `unknown storage driver '${String(name)}' (expected 'mock' or 'pure')`);
    }
  }
}
