import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.config.base.ts';

export default defineConfig({ ...libraryConfig });
