/**
 * Virtual window maths: which items of a long list are in (or near) the visible part of their
 * scroll box. Items have known heights (fixed per kind, or measured); only the ones returned here
 * are in the DOM, so 10,000 components cost the DOM the same as 30. Pure.
 */

/** offsets[i] is the top of item i; offsets[n] the total height. */
export function offsetsOf(heights: readonly number[]): number[] {
  const out = new Array<number>(heights.length + 1);
  out[0] = 0;
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i]! + heights[i]!;
  return out;
}

/** The index of the item containing y (the last item whose top is <= y). */
export function indexAt(offsets: readonly number[], y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** [start, end) of the items overlapping [scrollTop - overscan, scrollTop + viewport + overscan]. */
export function visibleRange(offsets: readonly number[], scrollTop: number, viewport: number, overscan: number): { start: number; end: number } {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop - overscan);
  const bottom = scrollTop + Math.max(0, viewport) + overscan;
  const start = indexAt(offsets, top);
  let end = indexAt(offsets, bottom) + 1;
  if (end > n) end = n;
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings item i into view with the least movement (unchanged when it is). */
export function scrollToReveal(offsets: readonly number[], i: number, scrollTop: number, viewport: number): number {
  const top = offsets[i] ?? 0;
  const bottom = offsets[i + 1] ?? top;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}

/** Cards per row at a grid width, as the stylesheet's breakpoints had them (1 to 4). */
export function columnsFor(width: number): number {
  return width >= 1150 ? 4 : width >= 860 ? 3 : width >= 540 ? 2 : 1;
}

export type GridItem<T> =
  | { readonly kind: 'tier'; readonly key: string; readonly tier: string; readonly count: number }
  | { readonly kind: 'row'; readonly key: string; readonly cells: readonly T[] };

/** Groups in order, each as a heading then rows of `columns` cells. */
export function gridItems<T>(groups: readonly { readonly tier: string; readonly items: readonly T[] }[], columns: number, keyOf: (t: T) => string): GridItem<T>[] {
  const out: GridItem<T>[] = [];
  const cols = Math.max(1, Math.floor(columns));
  for (const g of groups) {
    if (!g.items.length) continue;
    out.push({ kind: 'tier', key: `tier:${g.tier}`, tier: g.tier, count: g.items.length });
    for (let i = 0; i < g.items.length; i += cols) {
      const cells = g.items.slice(i, i + cols);
      out.push({ kind: 'row', key: `row:${cells.map(keyOf).join(',')}`, cells });
    }
  }
  return out;
}

/** Splits a tier-ordered list into its tiers, keeping the order. */
export function groupByTier<T extends { readonly tier: string }>(list: readonly T[]): { tier: string; items: T[] }[] {
  const out: { tier: string; items: T[] }[] = [];
  for (const t of list) {
    const last = out[out.length - 1];
    if (last && last.tier === t.tier) last.items.push(t);
    else out.push({ tier: t.tier, items: [t] });
  }
  return out;
}
