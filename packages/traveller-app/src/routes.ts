/**
 * The one route table: main package (tab pages), the booking sub-package and the tickets
 * sub-package (app.config.ts lists the same; a test checks they agree).
 */
export const ROUTES = {
  search: '/pages/search/index',
  wallet: '/pages/wallet/index',
  orders: '/pages/orders/index',
  profile: '/pages/profile/index',
  results: '/pkg-booking/results/index',
  product: '/pkg-booking/product/index',
  confirm: '/pkg-booking/confirm/index',
  pay: '/pkg-booking/pay/index',
  order: '/pkg-tickets/order/index',
  ticket: '/pkg-tickets/ticket/index',
  refund: '/pkg-tickets/refund/index',
  change: '/pkg-tickets/change/index',
  passengers: '/pkg-tickets/passengers/index',
  messages: '/pkg-tickets/messages/index',
} as const;

export type RouteName = keyof typeof ROUTES;

/** A route with its query string. */
export function routeTo(name: RouteName, params: Record<string, string | number | undefined | null> = {}): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return q ? `${ROUTES[name]}?${q}` : ROUTES[name];
}
