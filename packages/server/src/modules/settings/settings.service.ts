import type { RequestContext } from '../../app/context.js';

/** Platform settings admins can change, with their defaults. */
export interface PlatformSettings {
  /** How long a PENDING order holds its seats (minutes). */
  lockDurationMinutes: number;
  /** Most passengers one order may carry. */
  maxPassengersPerOrder: number;
  /** Send the optional "order completed" notification. */
  orderCompletedNotification: boolean;
}

export const DEFAULT_SETTINGS: PlatformSettings = {
  lockDurationMinutes: 10,
  maxPassengersPerOrder: 9,
  orderCompletedNotification: false,
};

/** Cache namespace of settings; bumped on every change so all instances re-read. */
export const SETTINGS_NAMESPACE = 'settings';

/** Reads settings through the shared cache (they are read on every order). */
export class SettingsService {
  async get(ctx: RequestContext): Promise<PlatformSettings> {
    const v = await ctx.app.cache.version(SETTINGS_NAMESPACE);
    const key = `settings:${v}`;
    const hit = await ctx.app.cache.get(key);
    if (hit) return JSON.parse(hit) as PlatformSettings;
    const rows = await ctx.app.db.query<{ key: string; value: unknown }>('SELECT key, value FROM setting');
    const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
    for (const r of rows) if (r.key in DEFAULT_SETTINGS) settings[r.key] = r.value;
    await ctx.app.cache.set(key, JSON.stringify(settings), 3600);
    return settings as unknown as PlatformSettings;
  }

  /** Changes one setting; takes effect on the next read on every instance. */
  async set<K extends keyof PlatformSettings>(ctx: RequestContext, key: K, value: PlatformSettings[K]): Promise<void> {
    await ctx.app.db.query(
      `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
    await ctx.app.cache.bump(SETTINGS_NAMESPACE);
  }
}
