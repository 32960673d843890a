#!/usr/bin/env node
/*
 * The `statusgraph` command. V8's memory settings (v8-tuning.ts) must be in place before anything
 * else allocates, so this entry imports them and only then loads the commands, dynamically.
 *
 * A static import of the commands is not enough: ES modules are all fetched and compiled before
 * the first one runs, and compiling this module graph (zod, undici, express, pino, the drivers)
 * allocated enough for V8 to double the young generation three times, from 2 to 16 MiB
 * (2 x 8 MiB semi-spaces), before v8-tuning.js ran; --semi-space-growth-factor=1 then kept it
 * there for good. At 10,000 components those 14 MiB were resident the whole run
 * (bench/README.md, "Peak RSS over budget").
 */
import './v8-tuning.js';

await import('./cli-commands.js');
