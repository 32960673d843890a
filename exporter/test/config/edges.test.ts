import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { issuesOf as issuesOfConfig } from './support.js';

const parse = (text: string) => parseConfig(text, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS });

const issuesOf = (text: string): string[] => issuesOfConfig(parse, text);

/** Three components; `orders` gets the depends_on lines given, `replica` the extra lines. */
const cfg = (deps: string, top = '', replica = '') => `${top}components:
  - name: replica
    tier: infrastructure${replica}
    probes: [{ kind: tcp, address: "127.0.0.1:1" }]
  - name: redis
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:2" }]
  - name: orders
    tier: service
${deps}
    probes: [{ kind: tcp, address: "127.0.0.1:3" }]
`;

describe('config: edges with meaning', () => {
  it('reads names (hard edges) and objects, in both forms, with hard as the default strength', () => {
    const c = parse(cfg(`    depends_on:
      - { name: replica, carries: "read-heavy queries" }
      - name: redis
        strength: soft
        carries: session cache`));
    const orders = c.components[2]!;
    expect(orders.dependsOn).toEqual(['replica', 'redis']);
    expect(orders.dependencies).toEqual([
      { name: 'replica', strength: 'hard', carries: 'read-heavy queries' },
      { name: 'redis', strength: 'soft', carries: 'session cache' },
    ]);
    expect(Object.isFrozen(orders.dependencies[0])).toBe(true);
    const plain = parse(cfg('    depends_on: [replica, redis]')).components[2]!;
    expect(plain.dependencies).toEqual([{ name: 'replica', strength: 'hard' }, { name: 'redis', strength: 'hard' }]);
  });

  it('takes the incident policy from the component, else the global default, else major outage', () => {
    expect(parse(cfg('')).components.map((c) => c.incidentsOpenAt)).toEqual(['major_outage', 'major_outage', 'major_outage']);
    const c = parse(cfg('', 'incidents: { open_at: partial_outage }\n', '\n    incidents: { open_at: degraded }'));
    expect(c.components.map((x) => x.incidentsOpenAt)).toEqual(['degraded', 'partial_outage', 'partial_outage']);
  });

  it.each([
    ['a bad strength', '    depends_on: [{ name: replica, strength: medium }]', 'sg.yml:10:45: components.2.depends_on.0.strength: must be one of "hard", "soft", "none", got string "medium"'],
    ['an unknown key in an edge', '    depends_on: [{ name: replica, weight: 2 }]', 'sg.yml:10:35: unknown key "weight" in components.2.depends_on.0'],
    ['an empty carries', '    depends_on: [{ name: replica, carries: "" }]', 'sg.yml:10:44: components.2.depends_on.0.carries: must not be empty'],
    ['an edge without a name', '    depends_on: [{ carries: reads }]', 'sg.yml:10:18: components.2.depends_on.0.name: required key is missing'],
    ['an unknown component in an edge', '    depends_on: [{ name: db, strength: soft }]', 'sg.yml:10:18: components.2.depends_on: unknown component "db"'],
    ['a dependency listed twice', '    depends_on: [replica, { name: replica, strength: soft }]', 'sg.yml:10:27: components.2.depends_on: "replica" is listed twice'],
    ['neither a name nor an edge', '    depends_on: [3]', 'sg.yml:10:18: components.2.depends_on.0: a dependency is a component name or {name, carries, strength}'],
  ])('refuses %s at its position', (_name, deps, expected) => {
    const issues = issuesOf(cfg(deps));
    expect(issues[0], issues.join('\n')).toBe(expected);
  });

  it('refuses a bad incident policy at its position', () => {
    expect(issuesOf(cfg('', 'incidents: { open_at: operational }\n'))[0]).toMatch(/^sg\.yml:1:23: incidents\.open_at: must be one of "degraded", "partial_outage", "major_outage"/);
  });

  it('refuses a cycle through edges written as objects, soft and none included', () => {
    const text = cfg('    depends_on: [{ name: replica, strength: none }]', '', '\n    depends_on: [{ name: orders, strength: soft }]');
    expect(issuesOf(text)).toEqual(['sg.yml:4:17: depends_on forms a cycle: replica -> orders -> replica']);
  });
});
