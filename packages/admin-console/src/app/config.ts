/** Settings a deployment gives the console in runtime-config.js (no rebuild needed). */
interface RuntimeConfig {
  /** The GraphQL endpoint; default `/graphql` on the console's own origin. */
  graphqlUrl?: string;
}

declare global {
  interface Window {
    DT_ADMIN_CONFIG?: RuntimeConfig;
  }
}

const runtime: RuntimeConfig = (typeof window !== 'undefined' && window.DT_ADMIN_CONFIG) || {};

/** Where the console sends its GraphQL requests. */
export const GRAPHQL_URL: string = runtime.graphqlUrl || import.meta.env.VITE_GRAPHQL_URL || '/graphql';

/** The GraphQL playground (GraphiQL is served at the same URL to a browser). */
export const PLAYGROUND_URL: string = GRAPHQL_URL;
