import { PanelPlugin } from '@grafana/data';
import { DependencyPanel } from './components/DependencyPanel.js';
import { DEFAULT_COLORS, DEFAULT_OPTIONS, type PanelOptions } from './types.js';
import { STATE_LABELS, STATES } from '@statusgraph/core';

export const plugin = new PanelPlugin<PanelOptions>(DependencyPanel)
  .setDataSupport({ annotations: true })
  .setPanelOptions((builder) => {
    builder
      .addRadio({
        path: 'direction',
        name: 'Layout direction',
        description: 'Dependents first, dependencies after',
        defaultValue: DEFAULT_OPTIONS.direction,
        settings: { options: [{ value: 'LR', label: 'Left to right' }, { value: 'TB', label: 'Top to bottom' }] },
      })
      .addBooleanSwitch({ path: 'groupByTier', name: 'Group by tier', description: 'One band per tier: services, infrastructure, third-party', defaultValue: DEFAULT_OPTIONS.groupByTier })
      .addBooleanSwitch({ path: 'showLatency', name: 'Show latency', defaultValue: DEFAULT_OPTIONS.showLatency })
      .addBooleanSwitch({
        path: 'hideOperational',
        name: 'Hide operational components',
        description: 'Keep only components that are unhealthy, impacted or in an open incident',
        defaultValue: DEFAULT_OPTIONS.hideOperational,
      });
    for (const state of STATES) {
      builder.addColorPicker({ path: `colors.${state}`, name: STATE_LABELS[state], category: ['State colours'], defaultValue: DEFAULT_COLORS[state] });
    }
  });
