import { createDataFrame } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { checkerBanner, unhealthyCheckers } from '../../src/model/checkers.js';
import { buildGraphModel } from '../../src/model/join.js';
import { tableFrames } from '../support/frames.js';
import { outageSeries, plainTableFrame, type RawSeries } from '../support/reference.js';

const CHECKER = 'statusgraph_replica_checker_healthy';
const checker = (replica: string, value: number, instance = 'eu-1:9470'): RawSeries => ({ metric: CHECKER, labels: { replica, instance }, value });

describe('unhealthy checkers (statusgraph_replica_checker_healthy)', () => {
  it('lists the replicas reported as unhealthy, sorted, once each', () => {
    const s = { ...outageSeries(), [CHECKER]: [checker('us-1', 0), checker('eu-1', 1), checker('ap-1', 0), checker('us-1', 0, 'us-1:9470')] };
    expect(unhealthyCheckers(tableFrames(s))).toEqual(['ap-1', 'us-1']);
  });

  it('takes any scrape that sets a replica aside (min by replica), not the last one read', () => {
    const s = { [CHECKER]: [checker('us-1', 0, 'eu-1:9470'), checker('us-1', 1, 'us-1:9470')] };
    expect(unhealthyCheckers(tableFrames(s))).toEqual(['us-1']);
  });

  it('reads the dashboard\'s aggregated query by its refId (no __name__ after min by (replica))', () => {
    const frame = createDataFrame(plainTableFrame('checkers', [checker('us-1', 0), checker('eu-1', 1)], false) as never);
    expect(unhealthyCheckers([frame])).toEqual(['us-1']);
    // The same rows under a refId that names nothing: not taken for checker health.
    const other = createDataFrame({ ...plainTableFrame('X', [checker('us-1', 0)], false), meta: { executedQueryString: 'Expr: min by (replica) (up)' } } as never);
    expect(unhealthyCheckers([other])).toEqual([]);
  });

  it('is empty for one process (no replica series) and when every checker is healthy', () => {
    expect(unhealthyCheckers(tableFrames())).toEqual([]);
    expect(unhealthyCheckers(tableFrames({ [CHECKER]: [checker('eu-1', 1), checker('us-1', 1)] }))).toEqual([]);
  });

  it('keeps replica series out of the graph and out of its skipped-series warnings', () => {
    const s = { ...outageSeries(), [CHECKER]: [checker('us-1', 0), checker('eu-1', 1)] };
    const withCheckers = buildGraphModel(tableFrames(s));
    const without = buildGraphModel(tableFrames());
    expect(withCheckers.warnings).toEqual([]);
    expect(withCheckers.nodes.map((n) => [n.id, n.state])).toEqual(without.nodes.map((n) => [n.id, n.state]));
  });

  it('says who is set aside and that the components are not in outage for it', () => {
    expect(checkerBanner([])).toBeUndefined();
    expect(checkerBanner(['us-1'])).toBe('Checker unhealthy: replica us-1 (results set aside; components show what the other replicas see)');
    expect(checkerBanner(['ap-1', 'us-1'])).toContain('replicas ap-1, us-1');
  });
});
