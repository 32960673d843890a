/*
 * Reading metric names out of PromQL without a PromQL parser in Node. Whether an expression
 * parses at all is left to a real Prometheus (queries.test.ts); this only has to find the
 * selectors' metric names in expressions that do parse, which needs no grammar: strip what cannot
 * hold a metric name (strings, label matchers, ranges, grouping label lists), then every remaining
 * identifier that is not a keyword, a function call or part of a number is a metric name.
 */

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset',
  'atan2', 'inf', 'nan',
]);
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk',
  'quantile', 'limitk', 'limit_ratio',
]);
const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

/** Metric names an expression selects, in order of first appearance. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  const add = (n: string) => { if (!names.includes(n)) names.push(n); };
  // {__name__="x"} names a metric inside a string: take it before strings go.
  for (const m of expr.matchAll(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) add(m[1]!);
  let s = expr.replace(STRING, '""');
  s = s.replace(/\{[^{}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1 ');
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const before = s[m.index - 1];
    if (before !== undefined && /[0-9.$]/.test(before)) continue; // 1e3, 5m, 0x1f, a $variable
    const after = s.slice(m.index + word.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation call
    const lower = word.toLowerCase();
    if (KEYWORDS.has(lower) || AGGREGATIONS.has(lower)) continue;
    add(word);
  }
  return names;
}

/** Grafana's escaping of one value of a multi-value variable inside a PromQL regex matcher. */
export function escapeRegexValue(v: string): string {
  return v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/** `(a|b|c)` as Grafana formats a multi-value variable for the Prometheus data source. */
export function multiValue(values: readonly string[]): string {
  if (values.length === 1) return escapeRegexValue(values[0]!);
  return `(${values.map(escapeRegexValue).join('|')})`;
}

/** Replaces $name and ${name} by `vars[name]`; an unknown variable is an error, not a silent pass. */
export function substitute(expr: string, vars: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const v = vars[name];
    if (v === undefined) throw new Error(`unknown variable $${name} in ${expr}`);
    return v;
  });
}

/** The variables an expression uses, without the $. */
export function variablesIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((m) => (m[1] ?? m[2])!))];
}

/** `label_values(selector, label)` of a Grafana Prometheus variable query. */
export function parseLabelValues(query: string): { selector: string; label: string } {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  if (!m) throw new Error(`not a label_values(selector, label) query: ${query}`);
  return { selector: m[1]!, label: m[2]! };
}

/** Sample names and TYPE names (with histogram/summary suffixes) in Prometheus exposition text. */
export function exposedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]!);
      if (type[2] === 'histogram') for (const suf of ['_bucket', '_sum', '_count']) names.add(type[1]! + suf);
      if (type[2] === 'summary') for (const suf of ['_sum', '_count']) names.add(type[1]! + suf);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

/** `query_result(expr)` of a Grafana Prometheus variable query, or undefined for another kind. */
export function parseQueryResult(query: string): string | undefined {
  return /^\s*query_result\(\s*(.+)\s*\)\s*$/s.exec(query)?.[1];
}

/**
 * A query_result() sample as Grafana's Prometheus variable support renders it before applying the
 * variable's regex: `name{label="value", ...} value timestamp_ms`.
 */
export function queryResultText(metric: Readonly<Record<string, string>>, value: string, timeSeconds: number): string {
  const { __name__: name = '', ...labels } = metric;
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}} ${value} ${Math.round(timeSeconds * 1000)}`;
}

/**
 * How Grafana's built-in annotation query expands variables in its tags
 * (public/app/plugins/datasource/grafana/datasource.ts): a multi-value variable is joined with a
 * delimiter inside the tag text and the result split on it, so only the first value keeps
 * whatever surrounds the variable (`component:$component` -> `component:a`, `b`).
 */
export function grafanaAnnotationTags(tags: readonly string[], values: Readonly<Record<string, string | readonly string[]>>): string[] {
  const delimiter = '__delimiter__';
  return tags.flatMap((tag) => tag.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
    const v = values[(a ?? b)!];
    if (v === undefined) return whole;
    return typeof v === 'string' ? v : v.join(delimiter);
  }).split(delimiter));
}
