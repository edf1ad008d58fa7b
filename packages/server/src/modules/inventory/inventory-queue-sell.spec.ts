import { describe, expect, it } from '@jest/globals';
import type { DeferredWriteOptions, TxSql } from '../../common/db/sql.js';
import { InventoryService, type InventoryClaim } from './inventory.service.js';
import { MemorySeatAdmission } from './seat-admission.js';

/** A transaction that only records what is queued with `later`. */
function recordingTx() {
  const queued: Array<{ text: string; params: readonly unknown[]; options?: DeferredWriteOptions }> = [];
  const sql: TxSql = {
    query: async () => {
      throw new Error('queueSell must not send a statement');
    },
    afterCommit: () => undefined,
    later: (text, params = [], options) => void queued.push({ text, params, options }),
  };
  return { sql, queued };
}

const trip = (tripId: number, qty: number): InventoryClaim => ({ kind: 'TRIP', productId: 1, tripId, travelDate: '2026-12-07', qty, quota: null });
const pass = (productId: number, travelDate: string, qty: number): InventoryClaim => ({ kind: 'PACKAGE', productId, tripId: null, travelDate, qty, quota: 100 });

describe('InventoryService.queueSell', () => {
  it('queues one checked UPDATE per trip or package day, claims of the same one summed, in claim-key order', () => {
    const { sql, queued } = recordingTx();
    new InventoryService(new MemorySeatAdmission()).queueSell(sql, [trip(7, 1), pass(101, '2026-12-08', 2), trip(3, 2), trip(7, 2)]);
    // Two queued UPDATEs of one row would share a snapshot and one would be lost: trip 7 goes once, 1 + 2.
    expect(queued.map((q) => [q.text.startsWith('UPDATE trip') ? 'trip' : 'day', ...q.params, q.options?.expectRows])).toEqual([
      ['day', 101, '2026-12-08', 2, 1],
      ['trip', 3, 2, 1],
      ['trip', 7, 3, 1],
    ]);
  });
});
