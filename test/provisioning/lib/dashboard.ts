import fs from 'node:fs';

export interface Target { refId: string; expr: string; instant?: boolean; range?: boolean; interval?: string; format?: string; datasource?: { type: string; uid: string } }
export interface Panel {
  id: number; type: string; title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[]; panels?: Panel[]; repeat?: string; collapsed?: boolean;
  timeFrom?: string; interval?: string; options?: Record<string, any>; fieldConfig?: any;
}
export interface Variable { name: string; type: string; query: { query: string } | string; definition?: string; regex?: string; datasource?: { type: string; uid: string }; multi?: boolean; includeAll?: boolean }
export interface Dashboard {
  uid: string; title: string; panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: any[] };
}

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows and the panels inside collapsed rows included. */
export function allPanels(d: Dashboard): Panel[] {
  const out: Panel[] = [];
  const walk = (ps: Panel[]) => { for (const p of ps) { out.push(p); if (p.panels) walk(p.panels); } };
  walk(d.panels);
  return out;
}

export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : v.query.query;
}

/** The variable a panel is repeated over: its own repeat, or the repeat of the row it sits in. */
export function repeatOf(d: Dashboard, panel: Panel): string | undefined {
  if (panel.repeat) return panel.repeat;
  // A panel belongs to the nearest row above it in the top-level list, or to the collapsed row holding it.
  let currentRow: Panel | undefined;
  for (const p of d.panels) {
    if (p.type === 'row') {
      currentRow = p;
      if (p.panels?.some((c) => c.id === panel.id)) return p.repeat;
      continue;
    }
    if (p.id === panel.id) return currentRow?.repeat;
  }
  return undefined;
}
