import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

// `plugin` is the light entry the gateway imports: it loads Baileys only when an account
// has a session (see src/plugin.ts).
export default defineConfig({ ...libraryConfig, entry: ['src/index.ts', 'src/plugin.ts'] });
