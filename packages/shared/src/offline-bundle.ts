import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { fromBase64Url, matchRotatingPart, parseQrToken, utf8Bytes, verifyQrSignature, type QrRefusal } from './qr-token.js';

// noble needs a synchronous SHA-512 to verify without WebCrypto (mini-programs have none).
ed.hashes.sha512 = sha512;

/**
 * The offline bundle a merchant terminal keeps (docs/redemption.md "Offline"): what it needs to
 * check a ticket or order QR without the network, for today and tomorrow (Hong Kong days). The
 * server signs the JSON text with the QR signing key (Ed25519); the app checks the signature with
 * the keys it pinned at enrolment before it trusts anything inside.
 */
export interface OfflineBundle {
  v: 1;
  merchantId: number;
  terminalId: number;
  /** The server's clock (epoch ms) when it was made: the `since` of the next delta. */
  version: number;
  /** The version this is a delta of (null: a full bundle, which replaces everything). */
  since: number | null;
  generatedAt: string;
  /** The validity window covered (today and tomorrow, HKT). */
  windowFrom: string;
  windowUntil: string;
  /** QR verification keys by key id (raw Ed25519, base64url). */
  keys: Record<string, string>;
  tickets: OfflineTicket[];
  /** Order QR rotating-part secrets by order number. */
  orders: Record<string, string>;
  /** Tickets that must be refused (refunded, refund in flight, changed, change in flight, expired). */
  revoked: Array<{ code: string; reason: OfflineRevocation }>;
  /** More tickets matched than the bundle may carry: the rest can only be checked online. */
  truncated: boolean;
}

/** Why a ticket is on the revocation list (the same codes as the server's line refusals). */
export type OfflineRevocation = 'REFUND_IN_PROGRESS' | 'TICKET_REFUNDED' | 'CHANGE_IN_PROGRESS' | 'TICKET_CHANGED' | 'TICKET_EXPIRED';

/** A ticket this merchant may redeem: only this merchant's lines. */
export interface OfflineTicket {
  id: number;
  code: string;
  orderNo: string;
  status: 'ACTIVE' | 'REDEEMED';
  productName: string;
  shared: boolean;
  passengerName: string | null;
  passengerType: string | null;
  validFrom: string;
  validUntil: string;
  /** The rotating-part secret (base64url). */
  qrSecret: string;
  /** The departure (trip) the ticket is for; null for passes (any departure). A gate boarding another trip refuses it. */
  tripId: number | null;
  departureAt: string | null;
  lines: OfflineLine[];
}

export interface OfflineLine {
  id: number;
  name: string;
  usesTotal: number;
  usesLeft: number;
  lastRedeemedAt: string | null;
  lastRedeemedTerminal: string | null;
}

/** A signed bundle as the server sends it. */
export interface SignedOfflineBundle {
  /** The bundle's JSON text: the exact bytes that were signed. */
  payload: string;
  /** Ed25519 signature of `payload` (UTF-8), base64url. */
  signature: string;
  keyId: string;
}

// No TextEncoder in a mini-program: the shared pure-JS UTF-8 encoder.
const enc = { encode: utf8Bytes };

/** Verifies a signed bundle with pinned keys and parses it; null when the signature or the JSON is wrong. */
export function openOfflineBundle(signed: SignedOfflineBundle, pinnedKeys: Record<string, string>): OfflineBundle | null {
  const key = pinnedKeys[signed.keyId];
  if (!key) return null;
  try {
    if (!ed.verify(fromBase64Url(signed.signature), enc.encode(signed.payload), fromBase64Url(key))) return null;
    const b = JSON.parse(signed.payload) as OfflineBundle;
    return b && b.v === 1 && Array.isArray(b.tickets) ? b : null;
  } catch {
    return null;
  }
}

/** What a terminal holds: tickets and revocations by code, merged from a full bundle and its deltas. */
export interface OfflineState {
  merchantId: number;
  version: number;
  windowFrom: string;
  windowUntil: string;
  keys: Record<string, string>;
  tickets: Record<string, OfflineTicket>;
  orders: Record<string, string>;
  revoked: Record<string, OfflineRevocation>;
  truncated: boolean;
}

/** Applies a verified bundle: a full one replaces the state, a delta is merged ticket by ticket. */
export function applyOfflineBundle(state: OfflineState | null, b: OfflineBundle): OfflineState {
  const base: OfflineState =
    b.since === null || !state || state.merchantId !== b.merchantId
      ? { merchantId: b.merchantId, version: 0, windowFrom: b.windowFrom, windowUntil: b.windowUntil, keys: {}, tickets: {}, orders: {}, revoked: {}, truncated: false }
      : { ...state, tickets: { ...state.tickets }, orders: { ...state.orders }, revoked: { ...state.revoked } };
  for (const t of b.tickets) {
    base.tickets[t.code] = t;
    delete base.revoked[t.code];
  }
  for (const r of b.revoked) {
    base.revoked[r.code] = r.reason;
    delete base.tickets[r.code];
  }
  Object.assign(base.orders, b.orders);
  return { ...base, version: b.version, windowFrom: b.windowFrom, windowUntil: b.windowUntil, keys: { ...b.keys }, truncated: b.truncated };
}

/** Why an offline check refuses a whole code. */
export type OfflineCodeRefusal =
  | 'QR_MALFORMED'
  | 'QR_UNKNOWN_KEY'
  | 'QR_BAD_SIGNATURE'
  | 'QR_STALE'
  /** Not in the bundle: another merchant's, another day's, or a ticket newer than the data. */
  | 'NOT_IN_BUNDLE';

/** A line's verdict offline (the server's codes). */
export type OfflineLineRefusal = OfflineRevocation | 'ALREADY_REDEEMED' | 'NOT_YET_VALID' | 'REPLAYED_CODE' | 'WRONG_DEPARTURE';

/** What the gate is doing: at a ferry or bus gate, the departure (trip id) it boards. */
export interface OfflineCheckOptions {
  departureTripId?: number | null;
}

/** A use recorded on this terminal and not yet synced (it counts against the bundle's uses left). */
export interface LocalUse {
  lineId: number;
  qrRef: string;
  qrStep: number;
  scannedAt: string;
}

export interface OfflineCheckedLine extends OfflineLine {
  /** Used on this terminal since the last sync (its last use is then this terminal's). */
  usedHere: boolean;
  redeemable: boolean;
  reason: OfflineLineRefusal | null;
}

export interface OfflineCheckedTicket extends Omit<OfflineTicket, 'lines' | 'qrSecret'> {
  redeemable: boolean;
  reason: OfflineLineRefusal | null;
  lines: OfflineCheckedLine[];
}

export type OfflineCheck =
  | { ok: false; refusal: OfflineCodeRefusal; ref: string | null; revoked?: OfflineRevocation }
  | { ok: true; kind: 'TICKET' | 'ORDER'; ref: string; step: number; allowed: boolean; reason: OfflineLineRefusal | null; tickets: OfflineCheckedTicket[] };

const QR_CODES: Record<QrRefusal, OfflineCodeRefusal> = { MALFORMED: 'QR_MALFORMED', UNKNOWN_KEY: 'QR_UNKNOWN_KEY', BAD_SIGNATURE: 'QR_BAD_SIGNATURE', STALE_CODE: 'QR_STALE' };

/**
 * Checks a scanned payload against the offline state, as the server's `scanCode` would: the
 * signature with the bundle's keys, the rotating part with the ticket's (or order's) secret (±1
 * step), then each of this merchant's lines (status, uses left after the local queue, validity, and
 * whether this very code already used it, and, at a gate boarding one departure, the ticket's trip).
 * Pure: the app passes its clock (the server's, if known).
 */
export function checkOfflineCode(state: OfflineState, token: string, uses: LocalUse[], nowMs: number, opts: OfflineCheckOptions = {}): OfflineCheck {
  const parsed = parseQrToken(token);
  if (!parsed) return { ok: false, refusal: 'QR_MALFORMED', ref: null };
  const sig = verifyQrSignature(parsed, state.keys);
  if (sig) return { ok: false, refusal: QR_CODES[sig], ref: parsed.claims.ref };
  const { claims } = parsed;
  const codes = claims.typ === 'T' ? [claims.ref] : (claims.tickets ?? []).filter((c) => typeof c === 'string');
  const revokedCode = codes.find((c) => state.revoked[c]);
  const tickets = codes.map((c) => state.tickets[c]).filter((t): t is OfflineTicket => !!t);
  if (!tickets.length) {
    return revokedCode
      ? { ok: false, refusal: 'NOT_IN_BUNDLE', ref: claims.ref, revoked: state.revoked[revokedCode] }
      : { ok: false, refusal: 'NOT_IN_BUNDLE', ref: claims.ref };
  }
  const secret = claims.typ === 'T' ? tickets[0].qrSecret : state.orders[claims.ref];
  if (!secret) return { ok: false, refusal: 'NOT_IN_BUNDLE', ref: claims.ref };
  const step = matchRotatingPart(secret, claims.ref, parsed.rotating, nowMs, 1);
  if (step === null) return { ok: false, refusal: 'QR_STALE', ref: claims.ref };
  const checked = tickets.map((t) => checkTicket(t, claims.ref, step, uses, nowMs, opts.departureTripId ?? null));
  const allowed = checked.some((t) => t.redeemable);
  return { ok: true, kind: claims.typ === 'T' ? 'TICKET' : 'ORDER', ref: claims.ref, step, allowed, reason: allowed ? null : (checked[0]?.reason ?? null), tickets: checked };
}

/** Finds a ticket by its bare code (manual entry offline); the same verdicts, without a QR. */
export function checkOfflineTicketCode(state: OfflineState, code: string, uses: LocalUse[], nowMs: number, opts: OfflineCheckOptions = {}): OfflineCheck {
  const c = code.trim().toUpperCase();
  const t = state.tickets[c];
  if (!t) return state.revoked[c] ? { ok: false, refusal: 'NOT_IN_BUNDLE', ref: c, revoked: state.revoked[c] } : { ok: false, refusal: 'NOT_IN_BUNDLE', ref: c };
  const step = Math.floor(nowMs / 30_000);
  const checked = checkTicket(t, c, step, uses, nowMs, opts.departureTripId ?? null);
  return { ok: true, kind: 'TICKET', ref: c, step, allowed: checked.redeemable, reason: checked.redeemable ? null : checked.reason, tickets: [checked] };
}

function checkTicket(t: OfflineTicket, ref: string, step: number, uses: LocalUse[], nowMs: number, departureTripId: number | null): OfflineCheckedTicket {
  const { qrSecret: _secret, lines, ...rest } = t;
  const out = lines.map((l): OfflineCheckedLine => {
    const mine = uses.filter((u) => u.lineId === l.id);
    const usesLeft = Math.max(0, l.usesLeft - mine.length);
    const last = mine.length ? mine[mine.length - 1].scannedAt : l.lastRedeemedAt;
    let reason: OfflineLineRefusal | null = null;
    if (t.status !== 'ACTIVE' || usesLeft <= 0) reason = 'ALREADY_REDEEMED';
    // The server's order: used first, then the departure, then the validity.
    else if (departureTripId !== null && t.tripId != null && Number(t.tripId) !== Number(departureTripId)) reason = 'WRONG_DEPARTURE';
    else if (nowMs < Date.parse(t.validFrom)) reason = 'NOT_YET_VALID';
    else if (nowMs >= Date.parse(t.validUntil)) reason = 'TICKET_EXPIRED';
    else if (mine.some((u) => u.qrRef === ref && u.qrStep === step)) reason = 'REPLAYED_CODE';
    return {
      ...l, usesLeft, lastRedeemedAt: last,
      lastRedeemedTerminal: mine.length ? null : l.lastRedeemedTerminal, usedHere: mine.length > 0,
      redeemable: reason === null, reason,
    };
  });
  const redeemable = out.some((l) => l.redeemable);
  return { ...rest, lines: out, redeemable, reason: redeemable ? null : (out[0]?.reason ?? 'ALREADY_REDEEMED') };
}

/** How the server and the app name a bundle's signed bytes (for tests and the server's signer). */
export function bundleText(bundle: OfflineBundle): string {
  return JSON.stringify(bundle);
}
