import React from 'react';
import type { LinkModel } from '@grafana/data';
import { formatSeconds, STATE_LABELS } from '@statusgraph/core';
import type { NodeView } from './view.js';

export interface NodeTooltipProps {
  readonly view: NodeView;
  readonly links: readonly LinkModel[];
  readonly impactedCount: number;
  readonly stateColor: string;
  readonly className: string;
  readonly style: React.CSSProperties;
}

/** What the board knows about one component: state, latency against baseline, errors, incidents. */
export function NodeTooltip({ view, links, impactedCount, stateColor, className, style }: NodeTooltipProps) {
  const n = view.node;
  return (
    <div className={className} style={style} role="tooltip" data-testid="statusgraph-tooltip">
      <div style={{ fontWeight: 600 }}>
        {n.displayName ?? n.id}
        {n.displayName && n.displayName !== n.id ? <span style={{ opacity: 0.7, fontWeight: 400 }}> ({n.id})</span> : null}
      </div>
      <div style={{ opacity: 0.8 }}>{[n.tier, n.environment].filter(Boolean).join(' · ')}</div>
      <div>
        <span style={{ display: 'inline-block', width: 9, height: 9, borderRadius: 5, background: stateColor, marginRight: 6 }} />
        {n.state ? STATE_LABELS[n.state] : 'No status series'}
      </div>
      {n.rootCauses.length > 0 ? <div data-testid="tooltip-root-cause">Impacted, root cause: {n.rootCauses.join(', ')}</div> : null}
      {view.role === 'root-cause' ? <div data-testid="tooltip-root-of">Root cause of {impactedCount} impacted component{impactedCount === 1 ? '' : 's'}</div> : null}
      {n.probes.length > 0 ? (
        <table style={{ borderSpacing: '8px 0', marginLeft: -8 }}>
          <tbody>
            {n.probes.map((p) => (
              <tr key={p.name} data-probe={p.name}>
                <td>{p.name}</td>
                <td>{p.durationSeconds !== undefined ? formatSeconds(p.durationSeconds) : '–'}</td>
                <td style={{ opacity: 0.7 }}>{p.baselineSeconds !== undefined ? `baseline ${formatSeconds(p.baselineSeconds)}` : ''}</td>
                <td>{p.success === false ? 'failing' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : n.latencySeconds !== undefined ? (
        <div>Latency {formatSeconds(n.latencySeconds)}</div>
      ) : null}
      {n.errors.length > 0 ? (
        <ul data-testid="tooltip-errors" style={{ margin: 0, paddingLeft: 16 }}>
          {n.errors.map((e, i) => <li key={i}>{e}</li>)}
        </ul>
      ) : null}
      {view.incidents.length > 0 ? (
        <div data-testid="tooltip-incidents">
          <div style={{ fontWeight: 600, marginTop: 4 }}>Open incidents</div>
          {view.incidents.map((i) => (
            <div key={i.key}>
              {i.title}
              {i.severity ? ` (${i.severity})` : ''}
              {i.startedAt !== undefined ? `, since ${new Date(i.startedAt).toISOString().slice(11, 16)} UTC` : ''}
            </div>
          ))}
        </div>
      ) : null}
      {links.length > 0 ? (
        <div style={{ marginTop: 4, opacity: 0.8 }}>Click: {links[0]!.title}{links.length > 1 ? ` (+${links.length - 1} more link${links.length > 2 ? 's' : ''})` : ''}</div>
      ) : null}
    </div>
  );
}
