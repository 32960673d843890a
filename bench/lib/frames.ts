/** A V8 profile call frame as one line: function, then the file shortened to dist/ or ~/package. */
export function frameLabel(f: { functionName: string; url: string; lineNumber: number }): string {
  const file = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '~/').replace(/.*\/exporter\/dist\//, 'dist/');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}
