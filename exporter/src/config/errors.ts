import { StatusgraphError } from '../errors.js';

/** One problem in a config file, located as FILE:LINE:COL. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}`;
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
