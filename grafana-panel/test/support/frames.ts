import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { outageSeries, plainTableFrame, type RawSeries } from './reference.js';

/** Real @grafana/data frames in the Prometheus data source's table format. */
export function tableFrames(series: Record<string, RawSeries[]> = outageSeries(), withName = true): DataFrame[] {
  return Object.values(series).map((s, i) => createDataFrame(plainTableFrame(String.fromCharCode(65 + i), s, withName) as never));
}

/** The same data in time-series format: one frame per series, labels on the value field. */
export function seriesFrames(series: Record<string, RawSeries[]> = outageSeries()): DataFrame[] {
  return Object.values(series).flatMap((list) =>
    list.map((s) =>
      createDataFrame({
        name: s.metric,
        fields: [
          { name: 'Time', type: FieldType.time, values: [1_763_700_000_000, 1_763_700_015_000] },
          { name: 'Value', type: FieldType.number, values: [null, s.value], labels: { __name__: s.metric, ...s.labels } },
        ],
      }),
    ),
  );
}
