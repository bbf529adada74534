import { defineConfig } from 'tsup';
import { browserOptions, libraryOptions } from './build-options';

export default defineConfig([libraryOptions(), browserOptions()]);
