/**
 * How the internal page marks maintenance windows (issue 19), pure: a component under maintenance
 * and planned impact get their own style and line, apart from outages. Apart from model.ts so a
 * rewrite of the grid keeps it as one call per card.
 */
import type { ComponentView as ApiComponent } from '@statusgraph/core';

export type MaintenanceFields = Partial<Pick<ApiComponent, 'underMaintenance' | 'maintenanceWindow' | 'planned' | 'plannedRootCauses'>>;

/** Extra card classes: ` maintenance` (a window covers it), ` planned` (its outage is planned work). */
export function maintenanceClasses(c: MaintenanceFields): string {
  return `${c.underMaintenance ? ' maintenance' : ''}${c.planned ? ' planned' : ''}`;
}

/** "Under maintenance: Database upgrade until 02:30 UTC"; "Planned: postgresql-primary under maintenance"; or null. */
export function maintenanceLine(c: MaintenanceFields): string | null {
  if (c.underMaintenance && c.maintenanceWindow) {
    return `Under maintenance: ${c.maintenanceWindow.title} until ${c.maintenanceWindow.endsAt.slice(11, 16)} UTC`;
  }
  if (c.planned && c.plannedRootCauses?.length) return `Planned: ${c.plannedRootCauses.join(', ')} under maintenance`;
  return null;
}

/** The API body of the page's "start maintenance now" form: `duration` as minutes, blank title left to the server. */
export function maintenanceBody(components: readonly string[], minutes: number, title: string): { components: string[]; duration: string; title?: string } {
  const t = title.trim();
  return { components: [...components], duration: `${Math.round(minutes)}m`, ...(t ? { title: t } : {}) };
}
