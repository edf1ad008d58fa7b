/** A named set of a list page's filters (its URL query string). */
export interface SavedView {
  name: string;
  query: string;
}

const viewsKey = (user: string, page: string) => `deeptravel.admin.views.${user}.${page}`;
const lastKey = (user: string, page: string) => `deeptravel.admin.last.${user}.${page}`;

/** The query string without paging and without a row or drawer that is open (`open`, `id`): what a view or "last filters" keeps. */
export function viewQuery(search: string): string {
  const p = new URLSearchParams(search);
  for (const k of ['page', 'open', 'id']) p.delete(k);
  p.sort();
  return p.toString();
}

/** The admin's saved views of a page (localStorage, per admin and page). */
export function loadViews(user: string, page: string): SavedView[] {
  try {
    const v = JSON.parse(localStorage.getItem(viewsKey(user, page)) ?? '[]') as SavedView[];
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === 'string' && typeof x.query === 'string') : [];
  } catch {
    return [];
  }
}

/** Saves (or replaces, by name) a view; returns the new list, sorted by name. */
export function saveView(user: string, page: string, view: SavedView): SavedView[] {
  const name = view.name.trim();
  if (!name) return loadViews(user, page);
  const next = [...loadViews(user, page).filter((v) => v.name !== name), { name, query: viewQuery(view.query) }].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  localStorage.setItem(viewsKey(user, page), JSON.stringify(next));
  return next;
}

/** Deletes a view by name; returns the new list. */
export function deleteView(user: string, page: string, name: string): SavedView[] {
  const next = loadViews(user, page).filter((v) => v.name !== name);
  localStorage.setItem(viewsKey(user, page), JSON.stringify(next));
  return next;
}

/** Remembers a page's last filters, so coming back through the menu restores them. */
export function rememberLast(user: string, page: string, search: string): void {
  const q = viewQuery(search);
  if (q) localStorage.setItem(lastKey(user, page), q);
  else localStorage.removeItem(lastKey(user, page));
}

/** The page's last filters ('' when none). */
export function lastQuery(user: string, page: string): string {
  return localStorage.getItem(lastKey(user, page)) ?? '';
}
