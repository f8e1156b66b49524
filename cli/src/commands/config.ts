import { defineCommand } from 'citty';
import { usage } from '../errors.js';
import { configFile, configKeys, isConfigKey, readConfig, writeConfig } from '../home.js';
import { jsonArg, print } from '../output.js';

const get = defineCommand({
  meta: { name: 'get', description: 'Print the config, or one key' },
  args: { key: { type: 'positional', required: false }, ...jsonArg },
  async run({ args }) {
    const config = readConfig();
    if (!args.key) return print(config, true);
    if (!isConfigKey(args.key)) throw usage(`unknown key ${args.key}; keys: ${configKeys().join(', ')}`);
    print(args.json ? { [args.key]: config[args.key] ?? null } : (config[args.key] ?? ''), args.json, args.json ? undefined : [[args.key, (v: unknown) => v]]);
  },
});

const set = defineCommand({
  meta: { name: 'set', description: `Set a key in ${'$AGOR_HOME/config.json'}` },
  args: { key: { type: 'positional', required: true }, value: { type: 'positional', required: true }, ...jsonArg },
  async run({ args }) {
    if (!isConfigKey(args.key)) throw usage(`unknown key ${args.key}; keys: ${configKeys().join(', ')}`);
    const parsers: Record<string, (v: string) => unknown> = {
      port: (v) => { const n = Number(v); if (!Number.isInteger(n) || n < 1 || n > 65535) throw usage('port must be 1-65535'); return n; },
      auth_required: (v) => { if (v !== 'true' && v !== 'false') throw usage('auth_required must be true or false'); return v === 'true'; },
      executor_runtime: (v) => { if (!['docker', 'process', 'auto'].includes(v)) throw usage('executor_runtime must be docker, process or auto'); return v; },
      url: (v) => { if (!/^https?:\/\//.test(v)) throw usage('url must start with http:// or https://'); return v.replace(/\/$/, ''); },
      default_agent: (v) => { if (!['claude-code', 'codex', 'gemini'].includes(v)) throw usage('default_agent must be claude-code, codex or gemini'); return v; },
    };
    const config = { ...readConfig(), [args.key]: parsers[args.key]!(args.value) };
    writeConfig(config);
    print(args.json ? { file: configFile(), config } : `${args.key} = ${JSON.stringify(config[args.key])}`, args.json, args.json ? undefined : [['SET', (v: unknown) => v]]);
  },
});

export default defineCommand({ meta: { name: 'config', description: 'CLI and daemon configuration ($AGOR_HOME/config.json)' }, subCommands: { get, set } });
