/** Waits for a condition a running service reaches by itself within a few probe cycles (no fixed sleep). */
export async function until<T>(what: string, f: () => Promise<T | undefined>, attempts = 300): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Every route of an audience page, under its base URL. */
export const PAGE_PATHS: readonly string[] = ['/', '/index.html', '/history.atom', '/history.rss', '/api/v2/summary.json', '/api/v2/status.json',
  '/api/v2/components.json', '/api/v2/incidents.json', '/api/v2/incidents/unresolved.json', '/api/v2/scheduled-maintenances.json',
  '/api/v2/scheduled-maintenances/upcoming.json', '/api/v2/scheduled-maintenances/active.json'];

/** The methods that write. */
export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
