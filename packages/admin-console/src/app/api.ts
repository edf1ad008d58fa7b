import { useCallback, useEffect, useRef, useState } from 'react';
import { ClientError, GraphQLClient, fetchTransport, type Operation } from '@deeptravel/client';
import { GRAPHQL_URL } from './config';
import { sessionStore } from './session';

/**
 * The console's one GraphQL client: the shared client package (typed documents, persisted-query
 * hashes, coded errors). An UNAUTHENTICATED answer ends the session, which sends the console back
 * to the login page.
 */
export const api = new GraphQLClient({
  url: GRAPHQL_URL,
  transport: fetchTransport,
  getToken: () => sessionStore.token(),
  onUnauthenticated: async () => {
    if (sessionStore.get()) sessionStore.clear();
    return false;
  },
});

/** Runs one operation (used by mutations and one-off reads). */
export function runOp<R, V>(op: Operation<R, V>, variables?: V): Promise<R> {
  return api.request(op, variables);
}

export interface QueryState<R> {
  data: R | undefined;
  error: unknown;
  loading: boolean;
  refetch: () => Promise<void>;
}

/**
 * A query bound to a component: runs when its variables change, keeps the last data while a new
 * request is on its way (tables do not flash), optionally polls.
 */
export function useQuery<R, V>(op: Operation<R, V>, variables?: V, opts: { skip?: boolean; pollMs?: number } = {}): QueryState<R> {
  const [data, setData] = useState<R | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState<boolean>(!opts.skip);
  const seq = useRef(0);
  const key = JSON.stringify(variables ?? {});

  const refetch = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const r = await api.request(op, JSON.parse(key) as V);
      if (mine === seq.current) {
        setData(r);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [op, key]);

  useEffect(() => {
    if (opts.skip) return;
    void refetch();
    if (!opts.pollMs) return;
    const t = setInterval(() => void refetch(), opts.pollMs);
    return () => clearInterval(t);
  }, [refetch, opts.skip, opts.pollMs]);

  return { data, error, loading, refetch };
}

/** A mutation with its pending flag; errors are thrown to the caller (forms place them on fields). */
export function useMutation<R, V>(op: Operation<R, V>): [(variables: V) => Promise<R>, { loading: boolean }] {
  const [loading, setLoading] = useState(false);
  const run = useCallback(
    async (variables: V) => {
      setLoading(true);
      try {
        return await api.request(op, variables);
      } finally {
        setLoading(false);
      }
    },
    [op],
  );
  return [run, { loading }];
}

export { ClientError };
