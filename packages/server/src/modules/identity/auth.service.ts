import type { Database } from '../../common/db/sql.js';
import type { Clock } from '../../common/clock.js';
import { AppError } from '../../common/errors.js';
import type { SessionTokens, StaffSessionClaims } from './session-token.js';
import { staffPrincipalOf, staffSessionRows, type SessionRow, type StaffPrincipal } from '../merchants/staff-session.js';
import { concurrentReads } from '../../common/db/concurrent-reads.js';
import { resolveAdminPrincipal, type AdminPrincipal } from '../admin/admin-session.js';

/** A signed-in traveller. */
export interface TravellerPrincipal {
  kind: 'traveller';
  travellerId: number;
}

/** Who is calling: a traveller, or merchant staff on a terminal (checked against the database on every request). */
export type Principal = TravellerPrincipal | StaffPrincipal | AdminPrincipal;

/**
 * Resolves a bearer token to a principal: a signed session token, or (dev and test only) one of the
 * fixed demo tokens such as `user123`.
 */
export class AuthService {
  private readonly devTokenCache = new Map<string, number>();
  /** Every staff request reads its session (nothing cached, so disabling is immediate); concurrent ones share the statement. */
  private readonly staffSession = concurrentReads<StaffSessionClaims, SessionRow | null>((claims) => staffSessionRows(this.db, claims));

  constructor(
    private readonly db: Database,
    private readonly tokens: SessionTokens,
    private readonly clock: Clock,
    private readonly devMode: boolean,
  ) {}

  /** The principal of an `Authorization` header value, null when absent; throws on a bad token. */
  async authenticate(header: string | undefined | null): Promise<Principal | null> {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) throw new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
    const token = m[1];
    if (token.startsWith('v1.')) {
      const claims = this.tokens.verify(token, this.clock.now().getTime());
      if (!claims) throw new AppError('UNAUTHENTICATED', 'The session token is invalid or expired');
      if (claims.kind === 'staff') return staffPrincipalOf(await this.staffSession(claims), claims);
      if (claims.kind === 'admin') return resolveAdminPrincipal(this.db, claims);
      return { kind: 'traveller', travellerId: claims.sub };
    }
    if (this.devMode) {
      const id = await this.devTraveller(token);
      if (id) return { kind: 'traveller', travellerId: id };
    }
    throw new AppError('UNAUTHENTICATED', 'Unknown token');
  }

  private async devTraveller(token: string): Promise<number | null> {
    const cached = this.devTokenCache.get(token);
    if (cached) return cached;
    const [row] = await this.db.query<{ id: number }>('SELECT id FROM traveller WHERE dev_token = $1', [token]);
    if (row) this.devTokenCache.set(token, row.id);
    return row?.id ?? null;
  }

  /** Issues a staff token bound to a terminal (merchant login, modules/merchants). */
  issueStaffToken(claims: Omit<StaffSessionClaims, 'kind' | 'exp'>, ttlSeconds: number): { token: string; expiresAt: Date } {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
    return { token: this.tokens.issue({ kind: 'staff', ...claims, exp }), expiresAt: new Date(exp * 1000) };
  }

  /** Issues an admin token (admin login, modules/admin). */
  issueAdminToken(adminId: number, sessionVersion: number, ttlSeconds: number): { token: string; expiresAt: Date } {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
    return { token: this.tokens.issue({ kind: 'admin', sub: adminId, sv: sessionVersion, exp }), expiresAt: new Date(exp * 1000) };
  }

  /** Issues a session token for a traveller (used by WeChat login). */
  issueTravellerToken(travellerId: number, ttlSeconds = 7 * 86400): string {
    return this.tokens.issue({ kind: 'traveller', sub: travellerId, exp: Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds });
  }
}

/** Throws UNAUTHENTICATED unless a traveller is signed in; returns the traveller id. */
export function requireTraveller(principal: Principal | null): number {
  if (!principal || principal.kind !== 'traveller') throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return principal.travellerId;
}
