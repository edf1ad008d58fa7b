import { describe, expect, it } from 'vitest';
import { ROUTES } from '../src/routes';

(globalThis as any).defineAppConfig = (c: unknown) => c;
const { default: appConfig } = await import('../src/app.config');

describe('routes', () => {
  it('app.config.ts lists exactly the pages of the route table (main package and sub-package)', () => {
    const pages = [
      ...appConfig.pages!.map((p: string) => `/${p}`),
      ...appConfig.subPackages!.flatMap((s: { root: string; pages: string[] }) => s.pages.map((p) => `/${s.root}/${p}`)),
    ];
    expect(pages.sort()).toEqual(Object.values(ROUTES).sort());
  });
});
