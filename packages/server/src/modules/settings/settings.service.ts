import { bumpVersion, versionFor } from '../../common/infra/cache-versions.js';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { requireAdmin } from '../admin/admin-session.js';
import { writeAudit } from '../admin/audit.js';

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
  /**
   * The parsed settings of the last version seen by this process, for up to 10 s (a change makes a new
   * version; the time bound covers a Redis that lost its keys and restarted the versions at 0).
   */
  private local: { version: number; settings: PlatformSettings; at: number } | null = null;

  async get(ctx: RequestContext): Promise<PlatformSettings> {
    const v = await versionFor(ctx, SETTINGS_NAMESPACE);
    if (this.local?.version === v && Date.now() - this.local.at < 10_000) return { ...this.local.settings };
    const key = `settings:${v}`;
    const hit = await ctx.app.cache.get(key);
    if (hit) {
      const settings = JSON.parse(hit) as PlatformSettings;
      this.local = { version: v, settings, at: Date.now() };
      return { ...settings };
    }
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
    await bumpVersion(ctx, SETTINGS_NAMESPACE);
  }

  /** Admin change of settings (ADMIN role), validated and audited; effective on the next read everywhere. */
  async update(ctx: RequestContext, input: Partial<PlatformSettings>): Promise<PlatformSettings> {
    const admin = requireAdmin(ctx.principal, 'write');
    const before = await this.get(ctx);
    const next = { ...before };
    if (input.lockDurationMinutes !== undefined && input.lockDurationMinutes !== null) {
      if (!Number.isInteger(input.lockDurationMinutes) || input.lockDurationMinutes < 1 || input.lockDurationMinutes > 60) {
        throw new AppError('VALIDATION_FAILED', 'Seat hold: 1–60 minutes', { field: 'lockDurationMinutes' });
      }
      next.lockDurationMinutes = input.lockDurationMinutes;
    }
    if (input.maxPassengersPerOrder !== undefined && input.maxPassengersPerOrder !== null) {
      if (!Number.isInteger(input.maxPassengersPerOrder) || input.maxPassengersPerOrder < 1 || input.maxPassengersPerOrder > 50) {
        throw new AppError('VALIDATION_FAILED', 'Passengers per order: 1–50', { field: 'maxPassengersPerOrder' });
      }
      next.maxPassengersPerOrder = input.maxPassengersPerOrder;
    }
    if (input.orderCompletedNotification !== undefined && input.orderCompletedNotification !== null) next.orderCompletedNotification = input.orderCompletedNotification;
    await ctx.app.db.tx(async (sql) => {
      for (const key of Object.keys(next) as Array<keyof PlatformSettings>) {
        if (next[key] === before[key]) continue;
        await sql.query(
          `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [key, JSON.stringify(next[key])],
        );
      }
      await writeAudit(sql, admin, 'update', 'setting', null, before, next);
    });
    await bumpVersion(ctx, SETTINGS_NAMESPACE);
    return next;
  }
}
