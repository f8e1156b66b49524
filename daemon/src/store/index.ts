import * as tables from './schema.js';

export { openStore } from './driver.js';
export type { Db, Tx, Store, StoreOptions, Notifier } from './driver.js';
export { tables };
