// Deployment settings of the admin console, read at start-up (no rebuild needed):
//   window.DT_ADMIN_CONFIG = { graphqlUrl: 'https://api.example.com/graphql' };
// Left empty, the console talks to /graphql on its own origin.
window.DT_ADMIN_CONFIG = window.DT_ADMIN_CONFIG || {};
