/**
 * The tiers of the contract (DESIGN.md, "Components"), in display order: the config accepts these,
 * the panel and the status page group and order components by them.
 */
export const TIERS = ['service', 'infrastructure', 'third-party'] as const;
export type Tier = (typeof TIERS)[number];

/** Headings of the tier groups (status page, panel bands). */
export const TIER_LABELS: Readonly<Record<Tier, string>> = {
  service: 'Services',
  infrastructure: 'Infrastructure',
  'third-party': 'Third-party',
};

/**
 * Orders tier names: the contract's tiers first in TIERS order, then any other name (a panel fed
 * by another exporter version) alphabetically.
 */
export function compareTiers(a: string, b: string, order: readonly string[] = TIERS): number {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || (a < b ? -1 : a > b ? 1 : 0);
}
