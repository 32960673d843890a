import { describe, expect, it } from 'vitest';
import { DURATION_STYLES, formatDuration, formatSeconds } from '../src/index.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatDuration', () => {
  it('timeline style (the default): every non-zero unit, rounded to the second', () => {
    expect(formatDuration(H + 2 * M + 3 * S)).toBe('1h 2m 3s');
    expect(formatDuration(45 * S)).toBe('45s');
    expect(formatDuration(2 * D + 5 * S)).toBe('2d 5s');
    expect(formatDuration(1_499)).toBe('1s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(-5 * S)).toBe('0s');
  });

  it('config style: the notation of the config file, fractions under a minute', () => {
    const f = (ms: number) => formatDuration(ms, DURATION_STYLES.config);
    expect(f(500)).toBe('500ms');
    expect(f(1_500)).toBe('1.5s');
    expect(f(30 * S)).toBe('30s');
    expect(f(90 * S)).toBe('1m30s');
    expect(f(2 * H)).toBe('2h');
    expect(f(H + S)).toBe('1h1s');
  });

  it('report style: the two largest non-zero units, never rounded up', () => {
    const f = (ms: number) => formatDuration(ms, DURATION_STYLES.report);
    expect(f(3 * M + 12 * S + 999)).toBe('3m 12s');
    expect(f(H + 30 * S)).toBe('1h');
    expect(f(2 * D + 3 * H + 4 * M)).toBe('2d 3h');
  });

  it('page style: two units with zeros kept, hours up to 48, whole seconds before splitting', () => {
    const f = (seconds: number) => formatDuration(seconds * 1000, DURATION_STYLES.page);
    expect(f(45)).toBe('45s');
    expect(f(180)).toBe('3m 0s');
    expect(f(5 * 3600 + 3 * 60 + 59)).toBe('5h 3m');
    expect(f(47 * 3600)).toBe('47h 0m');
    expect(f(50 * 3600)).toBe('2d 2h');
    // The page's own function read 239.7 s as "3m 60s".
    expect(f(239.7)).toBe('4m 0s');
  });

  it('answers "–" for what is not a duration', () => {
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatDuration(Number.POSITIVE_INFINITY, DURATION_STYLES.page)).toBe('–');
  });
});

describe('formatSeconds', () => {
  it('short precision (the default): about three significant digits, µs for the tiny ones', () => {
    expect(formatSeconds(0.00085)).toBe('850 µs');
    expect(formatSeconds(0.0421)).toBe('42.1 ms');
    expect(formatSeconds(0.4123)).toBe('412 ms');
    expect(formatSeconds(1.25)).toBe('1.25 s');
    expect(formatSeconds(12.34)).toBe('12.3 s');
  });

  it('fixed precision: whole milliseconds, or seconds with two decimals', () => {
    expect(formatSeconds(0.0421, { precision: 'fixed' })).toBe('42 ms');
    expect(formatSeconds(1.2, { precision: 'fixed' })).toBe('1.20 s');
  });

  it('answers "–" for a negative or missing latency', () => {
    expect(formatSeconds(-1)).toBe('–');
    expect(formatSeconds(Number.NaN, { precision: 'fixed' })).toBe('–');
  });
});
