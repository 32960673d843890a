/* Config tests' shared helper: the problems a config text is refused with, one per line. */
import { ConfigError } from '../../src/config/errors.js';

/** Runs `parse` on `text` and returns its FILE:LINE:COL problems; fails the test if it was accepted. */
export function issuesOf(parse: (text: string) => unknown, text: string): string[] {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('config was accepted');
}
