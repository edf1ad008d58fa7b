import type { RequestContext } from '../../app/context.js';
import { enforceRateLimit } from '../../common/rate-limit.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { dummyPasswordHash, terminalKeyMatches, verifyPassword } from './password.js';
import { LOGIN_LOCK, merchantStaffRepository as repo, type StaffRecord, type TerminalRecord } from './merchant-staff.repository.js';
import { assertEnabled, requireManager, requireStaff, STAFF_TOKEN_TTL_SECONDS, type StaffPrincipal } from './staff-session.js';

/** What a merchant app sends to log in: the terminal it runs on (code + key) and the staff member's credentials. */
export interface StaffLoginInput {
  terminalCode: string;
  terminalKey: string;
  username: string;
  password: string;
}

/** A staff session: the bearer token (bound to the terminal) and who it is for. */
export interface StaffSession {
  token: string;
  expiresAt: Date;
  staff: StaffPrincipal;
}

function text(value: unknown, max = 200): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/**
 * Merchant staff and terminals: login on a registered terminal (scrypt password, terminal key,
 * lockout after repeated failures), and the manager's switches for terminals and accounts.
 */
export class MerchantStaffService {
  /** Logs a staff member in on a terminal; the token works only while staff, terminal and merchant stay enabled. */
  async login(ctx: RequestContext, input: StaffLoginInput): Promise<StaffSession> {
    const username = text(input.username).toLowerCase();
    const terminalCode = text(input.terminalCode).toUpperCase();
    const password = typeof input.password === 'string' ? input.password.slice(0, 200) : '';
    await enforceRateLimit(ctx, 'login', `staff:${username}`);
    const [staff, terminal] = await Promise.all([
      username ? repo.staffByUsername(ctx.app.db, username) : null,
      terminalCode ? repo.terminalByCode(ctx.app.db, terminalCode) : null,
    ]);
    const now = ctx.app.clock.now();
    if (staff?.lockedUntil && new Date(staff.lockedUntil) > now) {
      const retryAfterSeconds = Math.ceil((new Date(staff.lockedUntil).getTime() - now.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', 'Too many failed logins; try again later', { retryAfterSeconds });
    }
    // Always run the KDF, so an unknown username costs as much time as a wrong password.
    const passwordOk = await verifyPassword(password, staff?.passwordHash ?? (await dummyPasswordHash()));
    if (!staff || !passwordOk) {
      if (staff) await repo.recordFailedLogin(ctx.app.db, staff.id, new Date(now.getTime() + LOGIN_LOCK.minutes * 60_000));
      throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password', { field: 'password' });
    }
    if (!terminal || !terminalKeyMatches(text(input.terminalKey, 500), terminal.keyHash)) {
      throw new AppError('INVALID_CREDENTIALS', `This device is not registered as terminal ${terminalCode || '(none)'}`, { field: 'terminal' });
    }
    if (terminal.merchantId !== staff.merchantId) {
      throw new AppError('FORBIDDEN', `Terminal ${terminal.code} belongs to another merchant`);
    }
    assertEnabled({ merchantEnabled: terminal.merchantEnabled, staffEnabled: staff.enabled, terminalEnabled: terminal.enabled, terminalCode: terminal.code });
    await repo.recordLogin(ctx.app.db, staff.id, now);
    const { token, expiresAt } = ctx.app.services.auth.issueStaffToken(
      { sub: staff.id, tid: terminal.id, mid: staff.merchantId, sv: staff.sessionVersion },
      STAFF_TOKEN_TTL_SECONDS,
    );
    ctx.log.info({ staffId: staff.id, terminal: terminal.code }, 'staff logged in');
    return { token, expiresAt, staff: principalOf(staff, terminal) };
  }

  /** Who the staff token belongs to (checked against the database by authentication already). */
  me(ctx: RequestContext): StaffPrincipal {
    return requireStaff(ctx.principal);
  }

  /** The manager's merchant's terminals. */
  terminals(ctx: RequestContext): Promise<TerminalRecord[]> {
    const manager = requireManager(ctx.principal);
    return repo.terminalsOfMerchant(ctx.app.db, manager.merchantId);
  }

  /** The manager's merchant's staff accounts. */
  staffMembers(ctx: RequestContext): Promise<StaffRecord[]> {
    const manager = requireManager(ctx.principal);
    return repo.staffOfMerchant(ctx.app.db, manager.merchantId);
  }

  /** Enables or disables one of the manager's terminals; a disabled terminal's tokens stop working at once. */
  async setTerminalEnabled(ctx: RequestContext, terminalId: number, enabled: boolean): Promise<TerminalRecord> {
    const manager = requireManager(ctx.principal);
    const now = ctx.app.clock.now();
    return ctx.app.db.tx(async (sql) => {
      const terminal = await repo.terminalById(sql, terminalId, true);
      if (!terminal || terminal.merchantId !== manager.merchantId) throw new AppError('NOT_FOUND', `Terminal ${terminalId} not found`);
      if (await repo.setTerminalEnabled(sql, terminal.id, enabled, now)) {
        await recordTransition(sql, {
          entityType: 'terminal', entityId: terminal.id, from: terminal.enabled ? 'ENABLED' : 'DISABLED', to: enabled ? 'ENABLED' : 'DISABLED',
          actor: `staff:${manager.staffId}`, at: now,
        });
      }
      return { ...terminal, enabled };
    });
  }

  /** Enables or disables a staff account of the manager's merchant (not the manager's own). */
  async setStaffEnabled(ctx: RequestContext, staffId: number, enabled: boolean): Promise<StaffRecord> {
    const manager = requireManager(ctx.principal);
    if (staffId === manager.staffId && !enabled) throw new AppError('BAD_USER_INPUT', 'You cannot disable your own account', { field: 'staffId' });
    const now = ctx.app.clock.now();
    return ctx.app.db.tx(async (sql) => {
      const staff = await repo.staffById(sql, staffId, true);
      if (!staff || staff.merchantId !== manager.merchantId) throw new AppError('NOT_FOUND', `Staff account ${staffId} not found`);
      if (await repo.setStaffEnabled(sql, staff.id, enabled, now)) {
        await recordTransition(sql, {
          entityType: 'merchant_staff', entityId: staff.id, from: staff.enabled ? 'ENABLED' : 'DISABLED', to: enabled ? 'ENABLED' : 'DISABLED',
          actor: `staff:${manager.staffId}`, at: now,
        });
      }
      return { ...staff, enabled };
    });
  }
}

function principalOf(staff: StaffRecord, terminal: TerminalRecord): StaffPrincipal {
  return {
    kind: 'staff', staffId: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role,
    merchantId: terminal.merchantId, merchantCode: terminal.merchantCode, merchantName: terminal.merchantName, merchantKind: terminal.merchantKind,
    terminalId: terminal.id, terminalCode: terminal.code, terminalName: terminal.name,
  };
}
