// Child process for the concurrent-writers test: sets `count` distinct keys in the config
// named by OPENCLAW_CONFIG_PATH, one `config set` at a time, as a CLI would.
import { setConfigValue } from '../src/update.ts';

const [prefix, count] = process.argv.slice(2) as [string, string];
for (let i = 0; i < Number(count); i++) {
  setConfigValue(['agents', 'defaults', 'models', `${prefix}/model-${i}`], { alias: `${prefix}${i}` }, { cwd: null });
}
