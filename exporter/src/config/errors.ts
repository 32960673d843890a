import { StatusgraphError } from '../errors.js';

/** One problem in a config file, located as FILE:LINE:COL. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/**
 * One line per issue, whatever the message quotes: control characters of a quoted key or value
 * (a probe kind "\n", found by test/config/fuzz.test.ts) are written as escapes.
 */
export function formatIssue(i: ConfigIssue): string {
  // eslint-disable-next-line no-control-regex
  const message = i.message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return `${i.file}:${i.line}:${i.col}: ${message}`;
}

/**
 * Thrown by the loader with every problem found, not just the first. A 500 on /-/reload: the
 * fault is in the server's file, not in the request.
 */
export class ConfigError extends StatusgraphError {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'), 500);
  }
}
