export * from './model/index.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { openDatabase, type Db } from './database.js';
