import { openIncidentStore } from '../../src/incidents/sqlite/store.js';
import type { IncidentStore } from '../../src/incidents/store.js';
import { describeIncidentStoreContract } from './store-contract.js';
import { tempDir } from './support.js';

describeIncidentStoreContract('SQLite', async (sinks) => {
  const dir = tempDir('sg-contract-');
  let store: IncidentStore = openIncidentStore({ dataDir: dir.path, sinks });
  return {
    get store() { return store; },
    async reopen() {
      await store.close();
      store = openIncidentStore({ dataDir: dir.path, sinks });
      return store;
    },
    async destroy() {
      await store.close();
      dir.remove();
    },
  };
});
