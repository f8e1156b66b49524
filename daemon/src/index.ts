export { startDaemon } from './daemon.js';
export type { Daemon, DaemonOptions } from './daemon.js';
export { configFromEnv, withBindRules, Config } from './core/config.js';
export { systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
export { openStore } from './store/driver.js';
export { backupStore, restoreStore } from './store/backup.js';
