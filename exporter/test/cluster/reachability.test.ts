import { describe, expect, it } from 'vitest';
import { Reachability } from '../../src/cluster/reachability.js';

describe('PostgreSQL reachability from concurrent work', () => {
  it('says each change once: away at the first failure, back at the first success', () => {
    const r = new Reachability();
    expect(r.up(r.begin())).toBe(false);
    const beat = r.begin();
    expect(r.down()).toBe(true);
    expect(r.down()).toBe(false);
    const later = r.begin();
    expect(r.up(later)).toBe(true);
    expect(r.up(r.begin())).toBe(false);
    expect(beat).not.toBe(r.begin());
  });

  it('a success of work that began before the failure was seen does not say back', () => {
    const r = new Reachability();
    // Both loops begin; the exchange's query fails first, the beat's (an older connection) succeeds after.
    const beat = r.begin();
    const tick = r.begin();
    expect(r.down()).toBe(true);
    expect(r.up(beat)).toBe(false);
    // Still away: the next failure is not news, and only work begun after it can say back.
    expect(r.down()).toBe(false);
    expect(r.up(tick)).toBe(false);
    expect(r.up(r.begin())).toBe(true);
  });

  it('work begun while away and succeeding after a second outage began does not say back', () => {
    const r = new Reachability();
    r.down();
    const during = r.begin();
    expect(r.up(r.begin())).toBe(true);
    expect(r.down()).toBe(true);
    expect(r.up(during)).toBe(false);
  });
});
