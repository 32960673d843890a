import { openMaintenanceStore } from '../../src/maintenance/sqlite/store.js';
import type { MaintenanceStore } from '../../src/maintenance/store.js';
import { describeMaintenanceStoreContract } from './store-contract.js';
import { tempDir } from '../incidents/support.js';

describeMaintenanceStoreContract('SQLite', async () => {
  const dir = tempDir('sg-maint-contract-');
  let store: MaintenanceStore = openMaintenanceStore({ dataDir: dir.path });
  return {
    get store() { return store; },
    async reopen() {
      await store.close();
      store = openMaintenanceStore({ dataDir: dir.path });
      return store;
    },
    async destroy() {
      await store.close();
      dir.remove();
    },
  };
});
