import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSummary, statuspageOutcome, statuspageProbe, type StatuspageSummary } from '../../src/probes/statuspage.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'statuspage');

function fixture(name: string): StatuspageSummary {
  const parsed = parseSummary(200, 'application/json; charset=utf-8', fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  if (typeof parsed === 'string') throw new Error(`fixture ${name} rejected: ${parsed}`);
  return parsed;
}

describe('statuspage: the overall indicator', () => {
  it('operational page: operational, no incidents', () => {
    const o = statuspageOutcome(0.1, fixture('operational.json'));
    expect(o).toMatchObject({ success: true, info: { indicator: 'none', incidents: [] } });
    expect(o.reportedState).toBeUndefined();
    expect(o.maintenance).toBeUndefined();
    expect(o.inconclusive).toBeUndefined();
  });

  it('minor indicator: degraded, with the open incident named', () => {
    const o = statuspageOutcome(0.1, fixture('degraded-component.json'));
    expect(o.reportedState).toBe('degraded');
    expect(o.reason).toBe('vendor reports degraded performance: Elevated latency on charge creation');
    expect(o.info?.incidents).toEqual(['Elevated latency on charge creation']);
  });

  it('critical indicator: major outage, with the open incident named', () => {
    const o = statuspageOutcome(0.1, fixture('major-outage.json'));
    expect(o).toMatchObject({ success: true, reportedState: 'major_outage', reason: 'vendor reports major outage: API unavailable' });
    expect(o.info?.incidents).toEqual(['API unavailable']);
  });

  it('maintenance indicator: maintenance, not an outage', () => {
    const o = statuspageOutcome(0.1, fixture('maintenance.json'));
    expect(o).toMatchObject({ success: true, maintenance: true, reason: 'vendor reports maintenance: Dashboard database upgrade' });
    expect(o.reportedState).toBeUndefined();
  });

  it('major indicator: partial outage', () => {
    const s = fixture('operational.json');
    const o = statuspageOutcome(0.1, { ...s, status: { indicator: 'major', description: 'Partial System Outage' } });
    expect(o).toMatchObject({ reportedState: 'partial_outage', reason: 'vendor reports partial outage: Partial System Outage' });
  });

  it('resolved incidents are not listed as open', () => {
    const s = fixture('major-outage.json');
    const o = statuspageOutcome(0.1, { ...s, incidents: s.incidents.map((i) => ({ ...i, status: 'resolved' })) });
    expect(o.info?.incidents).toEqual([]);
  });
});

describe('statuspage: watched components', () => {
  it('the worst watched component decides, not the page indicator', () => {
    const page = fixture('major-outage.json');
    expect(statuspageOutcome(0.1, page, ['Dashboard']).reportedState).toBeUndefined();
    expect(statuspageOutcome(0.1, page, ['Webhooks']).reportedState).toBe('partial_outage');
    const both = statuspageOutcome(0.1, page, ['Webhooks', 'Payments API']);
    expect(both.reportedState).toBe('major_outage');
    expect(both.reason).toContain('Payments API');
  });

  it('degraded_performance maps to degraded', () => {
    const o = statuspageOutcome(0.1, fixture('degraded-component.json'), ['Payments API', 'Webhooks']);
    expect(o.reportedState).toBe('degraded');
    expect(o.reason).toMatch(/^vendor reports degraded performance: Payments API/);
  });

  it('under_maintenance is maintenance, not an outage', () => {
    const o = statuspageOutcome(0.1, fixture('maintenance.json'), ['Dashboard']);
    expect(o.maintenance).toBe(true);
    expect(o.reportedState).toBeUndefined();
    const other = statuspageOutcome(0.1, fixture('maintenance.json'), ['Payments API']);
    expect(other.maintenance).toBeUndefined();
  });

  it('a watched name missing from the page is reported, not guessed', () => {
    const o = statuspageOutcome(0.1, fixture('operational.json'), ['Payments API', 'Checkout']);
    expect(o).toMatchObject({ success: true, inconclusive: true });
    expect(o.reason).toBe('vendor status unavailable: component not on the page: Checkout');
  });
});

describe('statuspage: responses that are not a summary', () => {
  const cases: Array<[string, number, string | undefined, string | undefined, string]> = [
    ['404', 404, 'text/html', '<html>nope</html>', 'status 404'],
    ['HTML with 200', 200, 'text/html; charset=utf-8', '<!doctype html><html></html>', 'not JSON (text/html)'],
    ['HTML without a content type', 200, undefined, '  <html></html>', 'not JSON (no content type)'],
    ['malformed JSON', 200, 'application/json', '{"status": {"indicator": ', 'malformed JSON'],
    ['JSON of another shape', 200, 'application/json', '{"ok": true}', 'not a Statuspage v2 summary'],
    ['unknown indicator', 200, 'application/json', '{"status": {"indicator": "purple"}}', 'not a Statuspage v2 summary'],
    ['too large', 200, 'application/json', undefined, 'response too large'],
  ];
  it.each(cases)('%s', (_name, status, type, body, why) => {
    expect(parseSummary(status, type, body)).toBe(why);
  });
});

describe('statuspage: options', () => {
  it('accepts a URL and optional component names', () => {
    expect(statuspageProbe.options.parse({ url: 'https://status.example.com/api/v2/summary.json', components: ['API'] }))
      .toEqual({ url: 'https://status.example.com/api/v2/summary.json', components: ['API'] });
  });
  it('rejects unknown keys, non-http URLs and an empty component list', () => {
    expect(statuspageProbe.options.safeParse({ url: 'https://x.test/s.json', extra: 1 }).success).toBe(false);
    expect(statuspageProbe.options.safeParse({ url: 'ftp://x.test/s.json' }).success).toBe(false);
    expect(statuspageProbe.options.safeParse({ url: 'https://x.test/s.json', components: [] }).success).toBe(false);
  });
});
