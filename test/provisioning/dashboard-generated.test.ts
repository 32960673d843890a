/*
 * The provisioned dashboards are generated (provisioning/grafana/dashboards/src, with
 * @grafana/grafana-foundation-sdk) and checked in as JSON for Grafana's file provider: the two
 * must agree, or an edit to one of them is lost at the next `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, render } from '../../provisioning/grafana/dashboards/src/dashboards.js';
import { DASHBOARD_DIR } from './lib/paths.js';

describe('generated dashboards', () => {
  it('every provisioned dashboard JSON is what its generator writes', () => {
    const files = fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [file, build] of Object.entries(DASHBOARDS)) {
      expect(fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8'), `${file}: run npm run build`).toBe(render(build()));
    }
  });

  it('uses the current dashboard schema (Grafana 12/13: schemaVersion 42)', () => {
    for (const build of Object.values(DASHBOARDS)) expect(build().schemaVersion).toBe(42);
  });

  it('builds the same JSON twice (no time or random input)', () => {
    for (const build of Object.values(DASHBOARDS)) expect(render(build())).toBe(render(build()));
  });
});
