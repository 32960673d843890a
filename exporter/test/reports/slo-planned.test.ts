import { describe, expect, it } from 'vitest';
import { burnSentence, sloRow } from '../../src/reports/slo.js';

const DAY = 86_400_000;

describe('weekly report SLO rows with maintenance windows (issue 19)', () => {
  it('leaves planned rounds out of the budget and says how many there were', () => {
    // By hand: 100,000 rounds, 2,000 planned, 97,950 available, 50 own. Measured: 98,000;
    // achieved 97,950 / 98,000 = 0.99948979...; burned (1 - achieved) / 0.001 = 0.5102040...
    const r = sloRow('orders', 0.999, 30 * DAY, 100_000, 97_950, [
      { cause: 'planned', rootCause: 'orders', rounds: 2_000 }, { cause: 'own', rootCause: 'orders', rounds: 50 },
    ]);
    expect(r.achieved).toBeCloseTo(97_950 / 98_000, 12);
    expect(r.burned).toBeCloseTo(50 / 98_000 / 0.001, 12);
    expect(r.parts).toEqual([{ cause: 'own', rootCause: 'orders', burned: r.burned }]);
    expect(r.planned).toBe(0.02);
    expect(burnSentence(r)).toBe('orders burned 51.02 % of its 30-day budget: 51.02 % own; planned maintenance 2.00 % of rounds (not counted)');
  });

  it('a component only ever down for planned work burns nothing', () => {
    const r = sloRow('postgresql-primary', 0.9995, 30 * DAY, 10_000, 9_000, [{ cause: 'planned', rootCause: 'postgresql-primary', rounds: 1_000 }]);
    expect(r).toMatchObject({ achieved: 1, burned: 0, parts: [], planned: 0.1 });
  });
});
