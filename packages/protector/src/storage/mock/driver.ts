import { ArrayModel } from '@protector/arraysim';
import { StorageError } from '../errors.js';
import { FlashArrayDriver } from '../flasharray/driver.js';
import { ModelArrayPort } from '../flasharray/model-port.js';
import type { StorageClock } from '../types.js';

interface MockDriverCommon {
  localArray: string;
  peerArray: string;
  /** Must be the clock the model runs on (the model takes it at open). */
  clock?: StorageClock;
  /** Between polls of waitForTransfer; default 1000 ms. */
  pollIntervalMs?: number;
  /** How a poll waits; tests on a manual clock advance it (and tick the arrays) here. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `path`: the shared array file (the lab's one file both sites' cloudsim processes open); the
 * driver opens and closes it. `model`: an already open model (tests on ':memory:', which a
 * second open would not share); the caller closes it. `offThread` (with `path`): the file is
 * opened on a worker thread instead (OffThreadMockDriver, what protector-api uses), so array calls
 * never block the caller's event loop; the model then runs on the system clock.
 */
export type MockDriverConfig = MockDriverCommon & ({ path: string; offThread?: boolean } | { model: ArrayModel });

/**
 * The seed's Mock driver: the FlashArray driver over in-process ports to the simulated array
 * pair (arraysim's model in an embedded SQLite file), so no array and no network are needed and
 * every call behaves as the simulated array's REST face would answer it. The model does not
 * advance time by itself: whoever hosts it (cloudsim's sites in the lab, the tests) calls `tick`.
 */
export class MockStorageDriver extends FlashArrayDriver {
  /** The model, for tests and the lab (fault injection, reading content); not part of the contract. */
  readonly model: ArrayModel;
  private readonly ownsModel: boolean;

  constructor(config: MockDriverConfig) {
    if (!config.localArray || !config.peerArray || config.localArray === config.peerArray) {
      throw new StorageError('invalid', `mock storage driver needs two different arrays (local '${config.localArray}', peer '${config.peerArray}')`);
    }
    let model: ArrayModel;
    if ('model' in config) {
      model = config.model;
    } else {
      try {
        model = ArrayModel.open(config.path, config.clock);
      } catch (err) {
        throw new StorageError('failed', `cannot open the simulated array file '${config.path}': ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    super({
      name: 'mock',
      local: new ModelArrayPort(model, config.localArray),
      peer: new ModelArrayPort(model, config.peerArray),
      clock: config.clock,
      pollIntervalMs: config.pollIntervalMs,
      sleep: config.sleep,
    });
    this.model = model;
    this.ownsModel = !('model' in config);
  }

  override async close(): Promise<void> {
    await super.close();
    if (this.ownsModel) this.model.close();
  }
}
