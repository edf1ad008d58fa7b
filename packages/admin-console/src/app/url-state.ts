import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** A list page's filters and paging, kept in the URL so a view survives navigation and can be shared. */
export interface PageState {
  page: number;
  pageSize: number;
}

/**
 * Filters (strings; empty = not set) plus `page`/`pageSize` in the query string. Changing a filter
 * goes back to page 1.
 */
export function useUrlFilters<K extends string>(keys: readonly K[], defaultPageSize = 20) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ''])) as Record<K, string>, [params, keys]);
  const paging: PageState = {
    page: Math.max(1, Number(params.get('page')) || 1),
    pageSize: Math.min(500, Math.max(1, Number(params.get('pageSize')) || defaultPageSize)),
  };

  const setFilters = useCallback(
    (next: Partial<Record<K, string | null | undefined>>, opts: { keepPage?: boolean } = {}) => {
      setParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(next) as [string, string | null | undefined][]) {
            if (v === null || v === undefined || v === '') p.delete(k);
            else p.set(k, v);
          }
          if (!opts.keepPage) p.delete('page');
          return p;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setPaging = useCallback(
    (page: number, pageSize: number) => {
      setParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          if (page > 1) p.set('page', String(page));
          else p.delete('page');
          if (pageSize !== defaultPageSize) p.set('pageSize', String(pageSize));
          else p.delete('pageSize');
          return p;
        },
        { replace: true },
      );
    },
    [setParams, defaultPageSize],
  );

  return { filters, setFilters, paging, setPaging, limit: paging.pageSize, offset: (paging.page - 1) * paging.pageSize };
}

/** Empty string → undefined (for optional API arguments). */
export function orUndef(v: string): string | undefined {
  return v === '' ? undefined : v;
}
