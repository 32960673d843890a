import type { Direction, State } from '@statusgraph/core';

/** Grafana colour names or CSS colours, resolved through the theme. */
export type StateColors = Record<State, string>;

export interface PanelOptions {
  direction: Direction;
  groupByTier: boolean;
  showLatency: boolean;
  /** Hide components that are operational, not impacted and without an open incident. */
  hideOperational: boolean;
  colors: StateColors;
}

export const DEFAULT_COLORS: StateColors = {
  operational: 'green',
  degraded: 'yellow',
  partial_outage: 'orange',
  major_outage: 'red',
};

export const DEFAULT_OPTIONS: PanelOptions = {
  direction: 'LR',
  groupByTier: true,
  showLatency: true,
  hideOperational: false,
  colors: DEFAULT_COLORS,
};
