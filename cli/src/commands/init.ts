import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { agorHome, configFile, readConfig, writeConfig } from '../home.js';
import { jsonArg, print, progress, progressDone } from '../output.js';

export default defineCommand({
  meta: { name: 'init', description: 'Create $AGOR_HOME, its config and its database (migrated)' },
  args: { ...jsonArg },
  async run({ args }) {
    const { configFromEnv, openStore } = await import('@agor/daemon');
    const home = agorHome();
    mkdirSync(home, { recursive: true });
    if (!existsSync(configFile())) writeConfig({ port: 3030, executor_runtime: 'auto', ...readConfig() });
    const config = configFromEnv({ ...process.env, AGOR_HOME: home });
    const say = progress(args.json);
    say('creating the database…');
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: join(home, 'db') });
    await store.close();
    progressDone(args.json);
    print({ home, config: configFile(), store: store.kind }, args.json, [['HOME', (r: any) => r.home], ['CONFIG', (r: any) => r.config], ['STORE', (r: any) => r.store]]);
  },
});
