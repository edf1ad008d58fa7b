import { E2E_PERSISTED_QUERY_HEADERS } from '../../../server/test/support/api-server-process';

/** Direct calls to the server beside the app (set-up and checks the UI cannot do). */
export function apiClient(url: string) {
  return {
    async gql<T = any>(query: string, variables: Record<string, unknown> = {}, token: string | null = 'user123'): Promise<{ data: T; errors?: any[] }> {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        // Free-form documents: the server enforces persisted queries for the app; these set-up calls carry the bypass key.
        headers: { 'content-type': 'application/json', ...E2E_PERSISTED_QUERY_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data: T; errors?: any[] };
    },
  };
}
