import { describe, expect, it } from 'vitest';
import { parseColor, pathThrough, readableTextOn, safeHref } from '../../src/components/view.js';

describe('view helpers', () => {
  it('lets only http(s) and same-origin paths become links', () => {
    expect(safeHref('https://wiki.example/runbooks/orders')).toBe('https://wiki.example/runbooks/orders');
    expect(safeHref('/d/abc/orders')).toBe('/d/abc/orders');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JAVASCRIPT:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>1</script>')).toBeUndefined();
    expect(safeHref('//evil.example/x')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
    expect(safeHref(undefined)).toBeUndefined();
  });

  it('picks dark text on light fills and light text on dark ones', () => {
    expect(readableTextOn('#FADE2A')).toBe('#111217'); // Grafana yellow
    expect(readableTextOn('#73BF69')).toBe('#111217'); // green
    expect(readableTextOn('#1F60C4')).toBe('#ffffff'); // dark blue
    expect(readableTextOn('rgb(20, 20, 20)')).toBe('#ffffff');
    expect(parseColor('#abc')).toEqual([170, 187, 204]);
    expect(parseColor('nonsense')).toBeUndefined();
  });

  it('draws S-curves across gaps and straight lines through layers', () => {
    const d = pathThrough([{ x: 0, y: 0 }, { x: 10, y: 20 }, { x: 30, y: 20 }], 'LR');
    expect(d).toBe('M0,0 C5,0 5,20 10,20 L30,20');
    expect(pathThrough([{ x: 0, y: 0 }, { x: 20, y: 10 }], 'TB')).toBe('M0,0 C0,5 20,5 20,10');
    expect(pathThrough([], 'LR')).toBe('');
  });
});
