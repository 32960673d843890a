import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** One labelled value, wherever in a frame it came from. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | string | null;
  readonly field: Field;
  readonly rowIndex: number;
  readonly frame: DataFrame;
}

/**
 * Flattens a Prometheus query result into samples. Two shapes arrive from Grafana's Prometheus
 * data source: table format (labels as string columns, one row per series) and time-series
 * format (labels on the value field, one frame per series; for a range query the last non-null
 * value is the current one).
 */
export function frameSamples(frame: DataFrame): Sample[] {
  const stringFields = frame.fields.filter((f) => f.type === FieldType.string);
  const valueFields = frame.fields.filter((f) => f.type === FieldType.number);
  const out: Sample[] = [];
  if (stringFields.length > 0) {
    for (let row = 0; row < frame.length; row++) {
      const rowLabels: Record<string, string> = {};
      for (const f of stringFields) {
        const v = valueAt(f, row);
        if (v !== null && v !== undefined && v !== '') {
          rowLabels[f.name] = String(v);
        }
      }
      for (const f of valueFields) {
        out.push({ labels: { ...(f.labels ?? {}), ...rowLabels }, value: numberOrNull(valueAt(f, row)), field: f, rowIndex: row, frame });
      }
    }
    return out;
  }
  for (const f of valueFields) {
    let row = frame.length - 1;
    while (row >= 0 && numberOrNull(valueAt(f, row)) === null) {
      row--;
    }
    if (row < 0) {
      continue;
    }
    out.push({ labels: { ...(f.labels ?? {}) }, value: numberOrNull(valueAt(f, row)), field: f, rowIndex: row, frame });
  }
  return out;
}

export function valueAt(field: Field, row: number): unknown {
  const values = field.values as unknown as { get?: (i: number) => unknown } & ArrayLike<unknown>;
  return typeof values.get === 'function' ? values.get(row) : values[row];
}

function numberOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  return null;
}
