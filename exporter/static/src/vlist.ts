/**
 * A virtualised list in its own scroll box: only the items in (or near) view are in the DOM, each
 * absolutely placed by the offsets of virtual.ts. Items of a fixed height per kind, or measured
 * once drawn (an opened uptime day). A redraw replaces only items whose `sig` changed, and gives
 * focus back to the element with the same `data-fk` when the focused one was replaced, so a
 * keyboard user keeps their place while the stream updates rows.
 */
import { offsetsOf, scrollToReveal, visibleRange } from './virtual.js';

export interface ListItem {
  readonly key: string;
  /**
   * What the drawn element shows; an item whose sig is unchanged is not redrawn. A function: only
   * the items in view are asked (building 2,500 row signatures per update at 10,000 would not be).
   */
  sig(): string;
  /** Fixed height in px; undefined: measured after drawing (estimate first). */
  readonly height?: number;
}

export interface VirtualList<T extends ListItem> {
  readonly box: HTMLElement;
  set(items: readonly T[]): void;
  /** Redraws the visible items even when their sig did not change. */
  redraw(): void;
  /** Scrolls the box so that the item with this key is in view. */
  reveal(key: string): void;
  /** Number of items drawn now (for tests and the bench: bounded by the view, not the list). */
  drawn(): number;
}

const OVERSCAN_PX = 400;
const ESTIMATE_PX = 200;

export function createVirtualList<T extends ListItem>(container: HTMLElement, opts: { className: string; label: string; render: (item: T) => HTMLElement }): VirtualList<T> {
  const box = document.createElement('div');
  box.className = `vbox ${opts.className}`;
  // A labelled region, not a list: items keep their own roles (a tier's heading stays a heading).
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', opts.label);
  const space = document.createElement('div');
  space.className = 'vspace';
  box.append(space);
  container.replaceChildren(box);
  let items: readonly T[] = [];
  let offsets: number[] = [0];
  const measured = new Map<string, number>();
  const drawn = new Map<string, { el: HTMLElement; sig: string; top: number }>();
  let frame = 0;

  const heightOf = (it: T) => it.height ?? measured.get(it.key) ?? ESTIMATE_PX;
  const relayout = () => {
    offsets = offsetsOf(items.map(heightOf));
    space.style.height = `${offsets[offsets.length - 1]}px`;
  };

  const draw = (force: boolean) => {
    frame = 0;
    const { start, end } = visibleRange(offsets, box.scrollTop, box.clientHeight || window.innerHeight, OVERSCAN_PX);
    const keep = new Set<string>();
    const active = document.activeElement;
    let refocus: string | null = null;
    let remeasure = false;
    for (let i = start; i < end; i++) {
      const it = items[i]!;
      keep.add(it.key);
      const top = offsets[i]!;
      const old = drawn.get(it.key);
      const sig = it.sig();
      if (old && !force && old.sig === sig) {
        if (old.top !== top) { old.el.style.top = `${top}px`; old.top = top; }
        continue;
      }
      const el = opts.render(it);
      el.classList.add('vitem');
      el.style.top = `${top}px`;
      if (it.height !== undefined) el.style.height = `${it.height}px`;
      if (old) {
        if (active && old.el.contains(active)) refocus = active.getAttribute('data-fk');
        old.el.replaceWith(el);
      } else space.append(el);
      drawn.set(it.key, { el, sig, top });
      if (it.height === undefined) {
        const h = el.offsetHeight;
        if (h && h !== measured.get(it.key)) { measured.set(it.key, h); remeasure = true; }
      }
    }
    for (const [k, d] of drawn) if (!keep.has(k)) { d.el.remove(); drawn.delete(k); }
    // The DOM in the order shown (screen readers and Tab follow it): kept items already are, so
    // only new ones move, and a focused element is never detached.
    let next: Element | null = null;
    for (let i = end - 1; i >= start; i--) {
      const el = drawn.get(items[i]!.key)!.el;
      if (el.nextElementSibling !== next || el.parentElement !== space) space.insertBefore(el, next);
      next = el;
    }
    if (refocus) space.querySelector<HTMLElement | SVGElement>(`[data-fk="${CSS.escape(refocus)}"]`)?.focus();
    if (remeasure) {
      relayout();
      for (let i = start; i < end; i++) {
        const d = drawn.get(items[i]!.key);
        if (d && d.top !== offsets[i]) { d.el.style.top = `${offsets[i]}px`; d.top = offsets[i]!; }
      }
    }
  };

  box.addEventListener('scroll', () => { if (!frame) frame = requestAnimationFrame(() => draw(false)); }, { passive: true });
  new ResizeObserver(() => draw(false)).observe(box);

  return {
    box,
    set(next) {
      items = next;
      relayout();
      draw(false);
    },
    redraw: () => draw(true),
    reveal(key) {
      const i = items.findIndex((it) => it.key === key);
      if (i < 0) return;
      box.scrollTop = scrollToReveal(offsets, i, box.scrollTop, box.clientHeight);
      draw(false);
    },
    drawn: () => drawn.size,
  };
}
