/* `pages:` in the config: the typed form, and every problem as FILE:LINE:COL. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

const parse = (text: string) => parseConfig(text, 'sg.yml', { env: {}, probeKinds: PROBE_KINDS });
const issuesOf = (text: string): string[] => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  return [];
};

const BASE = `components:
  - name: db
    tier: infrastructure
    probes: [{ kind: tcp, address: "127.0.0.1:5432" }]
  - name: api
    tier: service
    depends_on: [db]
    probes: [{ kind: http, url: "http://127.0.0.1:1/health" }]
  - name: api-2
    tier: service
    probes: [{ kind: http, url: "http://127.0.0.1:2/health" }]
`;

describe('pages in the config', () => {
  it('has no pages unless configured', () => {
    expect(parse(BASE).pages).toEqual([]);
  });

  it('parses a page with groups, rollups and its own listener', () => {
    const c = parse(`${BASE}pages:
  - id: public
    title: Example status
    listen: 127.0.0.1:9471
    url: https://status.example.com/
    components:
      - name: Checkout
        group: Shop
        description: Paying for orders
        internal: [api, db]
      - name: Search
        id: find
        internal: [api, api-2]
        rollup: { at_least: 2 }
`);
    expect(c.pages).toEqual([{
      id: 'public', title: 'Example status', listen: { host: '127.0.0.1', port: 9471 }, path: '/', url: 'https://status.example.com',
      thirdPartyNote: false, autoPublish: false,
      components: [
        { id: 'checkout', name: 'Checkout', group: 'Shop', groupId: 'group-shop', description: 'Paying for orders', internal: ['api', 'db'], atLeast: 1 },
        { id: 'find', name: 'Search', internal: ['api', 'api-2'], atLeast: 2 },
      ],
    }]);
    expect(Object.isFrozen(c.pages![0]!.components[0])).toBe(true);
  });

  it('mounts a page at a path of the internal listener', () => {
    const c = parse(`${BASE}pages:
  - { id: partners, title: Partners, path: /partners/, components: [{ name: API, internal: [api] }] }
`);
    expect(c.pages![0]).toMatchObject({ path: '/partners' });
    expect(c.pages![0]!.listen).toBeUndefined();
  });

  it('lists every problem at FILE:LINE:COL', () => {
    const issues = issuesOf(`${BASE}pages:
  - id: public
    title: Status
    listen: 127.0.0.1:9471
    components:
      - name: Checkout
        internal: [api, postgres]
      - name: Search
        internal: [api]
        rollup: { at_least: 2 }
      - name: checkout
        internal: [db]
  - id: public
    title: Other
    path: /api/v9
    components: [{ name: X, internal: [db] }]
  - id: nowhere
    title: Nowhere
    components: [{ name: Y, internal: [db] }]
  - { id: bad, title: Bad, path: /bad, components: [{ name: Z, internal: [db], rollup: best }] }
`);
    expect(issues).toEqual([
      'sg.yml:18:25: pages.0.components.0.internal.1: unknown internal component "postgres"',
      'sg.yml:21:29: pages.0.components.1.rollup.at_least: is 2 but the component stands for 1 internal component',
      'sg.yml:22:15: pages.0.components.2.name: id "checkout" is already used by component "Checkout"; set a distinct `id`',
      'sg.yml:24:9: pages.1.id: duplicate page id "public" (first defined at pages.0)',
      'sg.yml:26:11: pages.1.path: shadows a route of the internal listener (/api, /-, /metrics, /static, /login, /logout and / are taken)',
      'sg.yml:28:5: pages.2: needs `listen` (its own listener) or `path` (mounted on the internal listener)',
      'sg.yml:31:88: pages.3.components.0.rollup: must be "worst" or { at_least: N }',
    ]);
  });

  it('refuses an unknown key and a page on the internal address', () => {
    expect(issuesOf(`${BASE}listen: 127.0.0.1:9470
pages:
  - { id: p, title: P, listen: "127.0.0.1:9470", colour: red, components: [{ name: A, internal: [api] }] }
`)).toEqual([
      'sg.yml:14:50: unknown key "colour" in pages.0',
    ]);
    expect(issuesOf(`${BASE}listen: 127.0.0.1:9470
pages:
  - { id: p, title: P, listen: "127.0.0.1:9470", components: [{ name: A, internal: [api] }] }
`)).toEqual([
      "sg.yml:14:32: pages.0.listen: is the internal listener's address; a page on it is mounted with `path` instead",
    ]);
  });
});
