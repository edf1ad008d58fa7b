import type { Sql, TxSql } from '../db/sql.js';

/**
 * A lifecycle as an explicit transition table: `from → allowed targets`. A transition not in the
 * table is refused by `assertTransition`; every applied one is written to `state_transition`.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** True when `to` may follow `from` in `table`. */
export function canTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return table[from]?.includes(to) ?? false;
}

/**
 * Writes one history row: who or what moved `entityType#entityId` from `from` to `to`. Inside a
 * transaction the row is queued (`TxSql.later`) and goes with the next statement or the COMMIT.
 */
export async function recordTransition(
  sql: Sql | TxSql,
  entry: { entityType: string; entityId: number; from: string | null; to: string; actor: string; reason?: string; at: Date },
): Promise<void> {
  const text = 'INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)';
  const params = [entry.entityType, entry.entityId, entry.from, entry.to, entry.actor, entry.reason ?? null, entry.at];
  if ('later' in sql) sql.later(text, params);
  else await sql.query(text, params);
}
