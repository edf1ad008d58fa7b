/**
 * The one route table: the main package (scan, login, enrol) and the manage sub-package (live log,
 * terminals and conflicts). app.config.ts lists the same; a test checks they agree.
 */
export const ROUTES = {
  scan: '/pages/scan/index',
  login: '/pages/login/index',
  enrol: '/pages/enrol/index',
  log: '/pkg-manage/log/index',
  manage: '/pkg-manage/manage/index',
} as const;

export type RouteName = keyof typeof ROUTES;
