import { describe, expect, it } from 'vitest';
import { ROUTES } from '../src/routes';
import { money, mmss } from '../src/lib/format';

(globalThis as any).defineAppConfig = (c: unknown) => c;
const { default: appConfig } = await import('../src/app.config');

describe('route table', () => {
  it('lists exactly the pages of app.config (main package and sub-packages)', () => {
    const pages = [
      ...appConfig.pages!.map((p: string) => `/${p}`),
      ...appConfig.subPackages!.flatMap((s: { root: string; pages: string[] }) => s.pages.map((p) => `/${s.root}/${p}`)),
    ].sort();
    expect(Object.values(ROUTES).sort()).toEqual(pages);
  });

  it('formats money and countdowns', () => {
    expect(money(26000)).toBe('¥260');
    expect(money(2650)).toBe('¥26.50');
    expect(mmss(9 * 60_000 + 41_800)).toBe('09:41');
    expect(mmss(-5)).toBe('00:00');
  });
});
