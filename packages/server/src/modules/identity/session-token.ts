import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a traveller's session token carries. */
export interface TravellerSessionClaims {
  kind: 'traveller';
  sub: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** What a merchant staff token carries: bound to one terminal of one merchant (modules/merchants). */
export interface StaffSessionClaims {
  kind: 'staff';
  /** Staff account id. */
  sub: number;
  /** Terminal id the staff logged in on. */
  tid: number;
  /** Merchant id of both. */
  mid: number;
  /** The account's session version at login (a password reset bumps it, ending older tokens). */
  sv: number;
  exp: number;
}

/** What an admin token carries (modules/admin). */
export interface AdminSessionClaims {
  kind: 'admin';
  /** Admin account id. */
  sub: number;
  /** The account's session version at login. */
  sv: number;
  exp: number;
}

/** What a session token carries, by subject kind. */
export type SessionClaims = TravellerSessionClaims | StaffSessionClaims | AdminSessionClaims;

/**
 * Signed, expiring session tokens: `v1.<base64url claims>.<HMAC-SHA256>`. Stateless, so any
 * instance can check them; revocation of staff tokens is checked against the database separately.
 */
export class SessionTokens {
  constructor(private readonly secret: string) {}

  issue(claims: SessionClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `v1.${body}.${this.sign(body)}`;
  }

  /** The claims of a valid, unexpired token; null otherwise. */
  verify(token: string, nowMs: number): SessionClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') return null;
    const expected = Buffer.from(this.sign(parts[1]));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as SessionClaims;
      return claims.exp * 1000 > nowMs ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(`v1.${body}`).digest('base64url');
  }
}
