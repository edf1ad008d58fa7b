import { bumpVersion } from '../../common/infra/cache-versions.js';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { requireAdmin } from '../admin/admin-session.js';
import { writeAudit } from '../admin/audit.js';
import { CATALOG_NAMESPACE } from '../catalog/catalog.service.js';
import { createStaffAccount, registerTerminal } from './merchant-staff.provisioning.js';
import { merchantStaffRepository as repo } from './merchant-staff.repository.js';
import type { StaffRole } from './merchant-staff.entities.js';

/** Admin management of merchants, their terminals and staff (issue 7), audited like every admin change. */
export class MerchantAdminService {
  async merchants(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(`SELECT id, code, name, kind, enabled FROM merchant ORDER BY id`);
  }

  async upsertMerchant(ctx: RequestContext, m: { id?: number | null; code: string; name: string; kind: string; enabled: boolean }): Promise<number> {
    const admin = requireAdmin(ctx.principal, 'write');
    if (!/^[A-Z0-9-]{2,20}$/.test(m.code)) throw new AppError('VALIDATION_FAILED', 'Code: 2–20 capital letters, digits or -', { field: 'code' });
    if (!m.name.trim()) throw new AppError('VALIDATION_FAILED', 'Name is required', { field: 'name' });
    const kinds = ['FERRY_OPERATOR', 'BUS_OPERATOR', 'ATTRACTION', 'SERVICE'];
    if (!kinds.includes(m.kind)) throw new AppError('VALIDATION_FAILED', `Kind: ${kinds.join(', ')}`, { field: 'kind' });
    const id = await ctx.app.db.tx(async (sql) => {
      try {
        if (m.id) {
          const [before] = await sql.query('SELECT * FROM merchant WHERE id = $1 FOR UPDATE', [m.id]);
          if (!before) throw new AppError('NOT_FOUND', `Merchant ${m.id} does not exist`);
          const [after] = await sql.query('UPDATE merchant SET code = $2, name = $3, kind = $4, enabled = $5, updated_at = now() WHERE id = $1 RETURNING *', [
            m.id, m.code, m.name.trim(), m.kind, m.enabled,
          ]);
          await writeAudit(sql, admin, 'update', 'merchant', m.id, before, after);
          return m.id;
        }
        const [after] = await sql.query<{ id: number }>('INSERT INTO merchant (code, name, kind, enabled) VALUES ($1, $2, $3, $4) RETURNING *', [m.code, m.name.trim(), m.kind, m.enabled]);
        await writeAudit(sql, admin, 'create', 'merchant', after.id, null, after);
        return after.id;
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new AppError('VALIDATION_FAILED', 'A merchant with this code exists', { field: 'code' });
        throw err;
      }
    });
    // Merchant names appear in search results (entitlements): make searches re-read them.
    await bumpVersion(ctx, CATALOG_NAMESPACE);
    return id;
  }

  async terminals(ctx: RequestContext, merchantId: number) {
    requireAdmin(ctx.principal, 'read');
    return repo.terminalsOfMerchant(ctx.app.db, merchantId);
  }

  async staff(ctx: RequestContext, merchantId: number) {
    requireAdmin(ctx.principal, 'read');
    return repo.staffOfMerchant(ctx.app.db, merchantId);
  }

  /** Registers a terminal; its key is returned this once (only a hash is stored). */
  async registerTerminal(ctx: RequestContext, t: { merchantId: number; code: string; name: string }): Promise<{ id: number; code: string; key: string }> {
    const admin = requireAdmin(ctx.principal, 'write');
    if (!/^[A-Za-z0-9-]{2,40}$/.test(t.code)) throw new AppError('VALIDATION_FAILED', 'Code: 2–40 letters, digits or -', { field: 'code' });
    return ctx.app.db.tx(async (sql) => {
      try {
        const r = await registerTerminal(sql, t);
        await writeAudit(sql, admin, 'create', 'terminal', r.id, null, { merchantId: t.merchantId, code: t.code.toUpperCase(), name: t.name });
        return { id: r.id, code: t.code.toUpperCase(), key: r.key };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '23505') throw new AppError('VALIDATION_FAILED', 'A terminal with this code exists', { field: 'code' });
        if (code === '23503') throw new AppError('VALIDATION_FAILED', 'Unknown merchant', { field: 'merchantId' });
        throw err;
      }
    });
  }

  async createStaff(ctx: RequestContext, s: { merchantId: number; username: string; displayName: string; role: string; password: string }): Promise<number> {
    const admin = requireAdmin(ctx.principal, 'write');
    if (s.role !== 'STAFF' && s.role !== 'MANAGER') throw new AppError('VALIDATION_FAILED', 'Role: STAFF or MANAGER', { field: 'role' });
    if (!/^[a-z0-9_.-]{3,40}$/i.test(s.username)) throw new AppError('VALIDATION_FAILED', 'Username: 3–40 letters, digits, _ . -', { field: 'username' });
    if (s.password.length < 8) throw new AppError('VALIDATION_FAILED', 'Password: at least 8 characters', { field: 'password' });
    return ctx.app.db.tx(async (sql) => {
      try {
        const id = await createStaffAccount(sql, { merchantId: s.merchantId, username: s.username, displayName: s.displayName, role: s.role as StaffRole, password: s.password });
        await writeAudit(sql, admin, 'create', 'merchant_staff', id, null, { merchantId: s.merchantId, username: s.username.toLowerCase(), role: s.role });
        return id;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '23505') throw new AppError('VALIDATION_FAILED', 'That username is taken', { field: 'username' });
        if (code === '23503') throw new AppError('VALIDATION_FAILED', 'Unknown merchant', { field: 'merchantId' });
        throw err;
      }
    });
  }

  /** Enables or disables a terminal or a staff account; tokens already issued stop at once. */
  async setEnabled(ctx: RequestContext, kind: 'terminal' | 'merchant_staff', id: number, enabled: boolean): Promise<boolean> {
    const admin = requireAdmin(ctx.principal, 'write');
    return ctx.app.db.tx(async (sql) => {
      const now = ctx.app.clock.now();
      const changed = kind === 'terminal' ? await repo.setTerminalEnabled(sql, id, enabled, now) : await repo.setStaffEnabled(sql, id, enabled, now);
      const [exists] = await sql.query(`SELECT id FROM ${kind === 'terminal' ? 'terminal' : 'merchant_staff'} WHERE id = $1`, [id]);
      if (!exists) throw new AppError('NOT_FOUND', `${kind} ${id} does not exist`);
      if (changed) await writeAudit(sql, admin, enabled ? 'enable' : 'disable', kind, id, { enabled: !enabled }, { enabled });
      return enabled;
    });
  }
}
