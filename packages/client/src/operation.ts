/**
 * A GraphQL operation the apps send: its text, its SHA-256 (the persisted-query id) and, in the
 * type only, its result and variables. Generated per document in `generated/graphql.ts`.
 */
export interface Operation<TResult, TVariables> {
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  /** SHA-256 (hex) of `query`: the key of `persisted-queries.json`. */
  hash: string;
  query: string;
  /** Type carriers only: never set. */
  readonly __result?: TResult;
  readonly __variables?: TVariables;
}

/** The result type of an operation. */
export type ResultOf<T> = T extends Operation<infer R, unknown> ? R : never;
/** The variables type of an operation. */
export type VariablesOf<T> = T extends Operation<unknown, infer V> ? V : never;
