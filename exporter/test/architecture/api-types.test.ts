/*
 * The API's JSON is typed once, in @statusgraph/core, for the status page and the panel; these
 * checks make the exporter's serializers produce exactly those types. They fail the typecheck
 * (npm run typecheck) when a field is added, renamed or retyped on one side only.
 */
import type { ComponentsView, ComponentView, IncidentView, PageComponentView, PageProbeView } from '@statusgraph/core';
import type { ComponentView as PageReads } from '../../static/src/model.js';
import { describe, expect, it } from 'vitest';
import { componentsView, componentView } from '../../src/http/components-view.js';
import { incidentJson } from '../../src/incidents/serialize.js';

/** Deep readonly-insensitive equality of two types: true only when each is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
const same = <A, B>(ok: Same<Mutable<A>, Mutable<B>>): boolean => ok;

describe('API view types', () => {
  it('GET /api/v1/components produces core ComponentsView and ComponentView exactly', () => {
    expect(same<ReturnType<typeof componentView>, ComponentView>(true)).toBe(true);
    expect(same<ReturnType<typeof componentsView>, ComponentsView>(true)).toBe(true);
  });

  it('incidents serialize to core IncidentView exactly', () => {
    expect(same<ReturnType<typeof incidentJson>, IncidentView>(true)).toBe(true);
  });
});

describe('the page view', () => {
  it('carries exactly the fields the status page reads', () => {
    expect(same<keyof PageReads, keyof PageComponentView>(true)).toBe(true);
    expect(same<keyof NonNullable<PageReads['probes']>[number], keyof PageProbeView>(true)).toBe(true);
  });
});
