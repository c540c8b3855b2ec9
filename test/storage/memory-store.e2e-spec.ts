import { ManualClock } from '../support/manual-clock';
import { MemoryStore } from '../../src/storage/memory.store';
import { stateStoreContract } from './state-store.contract';

const clock = new ManualClock();
const store = new MemoryStore(clock);

stateStoreContract(
  'MemoryStore',
  async () => ({
    store,
    advance: async (ms) => clock.advance(ms),
  }),
  async () => store.stop(),
);
