import type { MerchantScanResultFragment } from '@deeptravel/client';
import type { OfflineCheck } from '@deeptravel/shared';
import { dateTimeHk, hmHk } from './format';
import { langStore, t } from './i18n';

/** What the screen says at a glance: green go, yellow already used, red stop. */
export type Verdict = 'GREEN' | 'YELLOW' | 'RED';

/** Why not, in the words staff at a gate read aloud (Simplified Chinese). */
export const REASON_WORDS: Record<string, string> = {
  QR_MALFORMED: '不是深旅的票码',
  QR_UNKNOWN_KEY: '签名密钥未知，疑似伪造',
  QR_BAD_SIGNATURE: '伪造或被篡改的二维码',
  QR_STALE: '二维码已过期（截图或旧码），请旅客刷新后重扫',
  TICKET_NOT_FOUND: '查无此票',
  NOT_IN_BUNDLE: '离线数据里没有这张票（非本商户、非今明两天或数据太旧）',
  OTHER_MERCHANT: '不是本商户的票，请指引旅客到对应商户',
  ALREADY_REDEEMED: '已使用',
  REPLAYED_CODE: '这个二维码刚用过，请旅客刷新后重扫',
  REFUND_IN_PROGRESS: '退款处理中，不能使用',
  TICKET_REFUNDED: '已退款，不能使用',
  CHANGE_IN_PROGRESS: '改签处理中，不能使用',
  TICKET_CHANGED: '已改签，请出示新票',
  TICKET_EXPIRED: '已过期',
  NOT_YET_VALID: '未到使用日期',
  SCAN_EXPIRED: '扫码已超时，请重扫',
  SCAN_NOT_FOUND: '扫码已失效，请重扫',
  NETWORK_ERROR: '网络不通',
  WRONG_DEPARTURE: '此票为 {time} 班次，请引导旅客至对应闸口',
  TRIP_NOT_FOUND: '所选班次不存在，请重新选择班次',
};

/** The same in English (the language switch). */
export const REASON_WORDS_EN: Record<string, string> = {
  QR_MALFORMED: 'Not a DeepTravel code',
  QR_UNKNOWN_KEY: 'Unknown signing key: possibly forged',
  QR_BAD_SIGNATURE: 'Forged or altered QR code',
  QR_STALE: 'Expired code (screenshot or old code): ask the traveller to refresh it',
  TICKET_NOT_FOUND: 'No such ticket',
  NOT_IN_BUNDLE: 'Not in the offline data (another merchant, not today or tomorrow, or data too old)',
  OTHER_MERCHANT: 'Not for this merchant: send the traveller to the right one',
  ALREADY_REDEEMED: 'Already used',
  REPLAYED_CODE: 'This code was just used: ask the traveller to refresh it',
  REFUND_IN_PROGRESS: 'Refund in progress: cannot be used',
  TICKET_REFUNDED: 'Refunded: cannot be used',
  CHANGE_IN_PROGRESS: 'Change in progress: cannot be used',
  TICKET_CHANGED: 'Changed: ask for the new ticket',
  TICKET_EXPIRED: 'Expired',
  NOT_YET_VALID: 'Not valid yet',
  SCAN_EXPIRED: 'Scan timed out: scan again',
  SCAN_NOT_FOUND: 'Scan no longer valid: scan again',
  NETWORK_ERROR: 'No network',
  WRONG_DEPARTURE: 'This ticket is for the {time} departure: send the traveller to that gate',
  TRIP_NOT_FOUND: 'The chosen departure does not exist: pick the departure again',
};

/** Why not, in words (the current language); `departureAt` fills the time of WRONG_DEPARTURE. */
export function reasonWords(code: string | null | undefined, departureAt?: string | null): string {
  const words = (code && (langStore.get() === 'en' ? REASON_WORDS_EN : REASON_WORDS)[code]) || t('不能核销', 'Cannot be redeemed');
  return words.replace('{time}', departureAt ? hmHk(departureAt) : t('其他', 'another'));
}

export const PASSENGER_WORDS: Record<string, string> = { ADULT: '成人', CHILD: '儿童', SENIOR: '长者' };
const PASSENGER_WORDS_EN: Record<string, string> = { ADULT: 'Adult', CHILD: 'Child', SENIOR: 'Senior' };

/** 成人 / Adult … in the current language. */
export function passengerWords(type: string): string {
  return (langStore.get() === 'en' ? PASSENGER_WORDS_EN : PASSENGER_WORDS)[type] ?? type;
}

export interface ResultLine {
  id: string;
  name: string;
  merchantName: string;
  own: boolean;
  usesLeft: number | null;
  usesTotal: number | null;
  redeemable: boolean;
  reason: string | null;
  lastRedeemedAt: string | null;
  lastRedeemedTerminal: string | null;
}

export interface ResultTicket {
  id: string;
  code: string;
  productName: string;
  passengerName: string | null;
  passengerType: string | null;
  shared: boolean;
  validUntil: string;
  /** The departure this ticket is for (null: a pass, any departure). */
  tripId: string | null;
  departureAt: string | null;
  redeemable: boolean;
  reason: string | null;
  lines: ResultLine[];
}

/** One scan as the result screen shows it, made online (scanCode) or offline (the bundle). */
export interface ScanView {
  source: 'online' | 'offline';
  verdict: Verdict;
  /** The big word: 可以核销 / 已使用 / 不能核销. */
  title: string;
  /** The sentence under it: the reason, or when and where it was used. */
  detail: string;
  code: string | null;
  kind: 'TICKET' | 'ORDER' | null;
  ref: string | null;
  /** Online: the nonce to redeem with. */
  scanNonce: string | null;
  /** Offline: the rotating step that was verified. */
  step: number | null;
  tickets: ResultTicket[];
  /** CHILD / SENIOR tickets in this scan (staff check the concession). */
  concessions: string[];
  at: number;
}

function concessionsOf(tickets: ResultTicket[]): string[] {
  return [...new Set(tickets.filter((t) => t.lines.some((l) => l.own) && (t.passengerType === 'CHILD' || t.passengerType === 'SENIOR')).map((t) => t.passengerType!))];
}

/** The colour and words of a set of tickets: green if anything can be redeemed, yellow if used, red otherwise. */
function judge(allowed: boolean, reason: string | null, tickets: ResultTicket[]): Pick<ScanView, 'verdict' | 'title' | 'detail'> {
  if (allowed) {
    const n = tickets.reduce((a, t) => a + t.lines.filter((l) => l.redeemable).length, 0);
    return { verdict: 'GREEN', title: t('可以核销', 'OK to redeem'), detail: t(`${n} 项可核销`, `${n} item${n === 1 ? '' : 's'} to redeem`) };
  }
  if (reason === 'ALREADY_REDEEMED') {
    const used = tickets.flatMap((t) => t.lines).filter((l) => l.own && l.lastRedeemedAt).sort((a, b) => (a.lastRedeemedAt! < b.lastRedeemedAt! ? 1 : -1))[0];
    const terminal = used?.lastRedeemedTerminal ?? t('本机（离线）', 'this terminal (offline)');
    const where = used
      ? t(`于 ${dateTimeHk(used.lastRedeemedAt!)} 在 ${terminal} 使用`, `Used at ${dateTimeHk(used.lastRedeemedAt!)} on ${terminal}`)
      : t('此票已用完', 'This ticket is used up');
    return { verdict: 'YELLOW', title: t('已使用', 'Already used'), detail: where };
  }
  // Another departure: say which one, so staff can send the traveller to the right gate.
  const departureAt = reason === 'WRONG_DEPARTURE' ? (tickets.find((x) => x.reason === 'WRONG_DEPARTURE')?.departureAt ?? null) : null;
  return { verdict: 'RED', title: t('不能核销', 'Do not admit'), detail: reasonWords(reason, departureAt) };
}

/** An online scan's answer as the screen shows it. */
export function fromOnline(r: MerchantScanResultFragment, now: number): ScanView {
  const tickets: ResultTicket[] = r.tickets.map((t) => ({
    id: String(t.id), code: t.code, productName: t.productName, passengerName: t.passengerName, passengerType: t.passengerType, shared: t.shared,
    validUntil: t.validUntil, tripId: t.tripId == null ? null : String(t.tripId), departureAt: t.departureAt ?? null, redeemable: t.redeemable, reason: t.reason,
    lines: t.lines.map((l) => ({
      id: String(l.id), name: l.name, merchantName: l.merchantName, own: l.own, usesLeft: l.usesLeft, usesTotal: l.usesTotal, redeemable: l.redeemable,
      reason: l.reason, lastRedeemedAt: l.lastRedeemedAt, lastRedeemedTerminal: l.lastRedeemedTerminal,
    })),
  }));
  return {
    source: 'online', ...judge(r.allowed, r.reason, tickets), code: r.allowed ? null : r.reason, kind: r.kind as 'TICKET' | 'ORDER', ref: r.ref,
    scanNonce: r.scanNonce, step: null, tickets, concessions: concessionsOf(tickets), at: now,
  };
}

/** An offline check's answer as the screen shows it (this merchant's lines only: the bundle has no others). */
export function fromOffline(c: OfflineCheck, merchantName: string, now: number): ScanView {
  if (!c.ok) {
    const code = c.revoked ?? c.refusal;
    return { source: 'offline', verdict: 'RED', title: t('不能核销', 'Do not admit'), detail: reasonWords(code), code, kind: null, ref: c.ref, scanNonce: null, step: null, tickets: [], concessions: [], at: now };
  }
  const tickets: ResultTicket[] = c.tickets.map((x) => ({
    id: String(x.id), code: x.code, productName: x.productName, passengerName: x.passengerName, passengerType: x.passengerType, shared: x.shared,
    validUntil: x.validUntil, tripId: x.tripId == null ? null : String(x.tripId), departureAt: x.departureAt, redeemable: x.redeemable, reason: x.reason,
    lines: x.lines.map((l) => ({
      id: String(l.id), name: l.name, merchantName, own: true, usesLeft: l.usesLeft, usesTotal: l.usesTotal, redeemable: l.redeemable, reason: l.reason,
      lastRedeemedAt: l.lastRedeemedAt, lastRedeemedTerminal: l.usedHere ? t('本机（离线）', 'this terminal (offline)') : l.lastRedeemedTerminal,
    })),
  }));
  return {
    source: 'offline', ...judge(c.allowed, c.reason, tickets), code: c.allowed ? null : c.reason, kind: c.kind, ref: c.ref, scanNonce: null, step: c.step,
    tickets, concessions: concessionsOf(tickets), at: now,
  };
}

/** A code refused as a whole (forged, stale, unknown) as the screen shows it. */
export function refused(code: string, source: 'online' | 'offline', now: number): ScanView {
  return { source, verdict: 'RED', title: t('不能核销', 'Do not admit'), detail: reasonWords(code), code, kind: null, ref: null, scanNonce: null, step: null, tickets: [], concessions: [], at: now };
}

/** What scanning or typing produced: a QR token, a bare ticket code, an enrolment code, or nothing usable. */
export function classifyInput(raw: string): { kind: 'qr' | 'ticket' | 'enrol' | 'junk'; value: string } {
  const v = String(raw ?? '').trim();
  if (v.startsWith('DT1.')) return { kind: 'qr', value: v };
  if (v.toUpperCase().startsWith('DTE1.')) return { kind: 'enrol', value: v };
  if (/^TKT-?[A-Z0-9]{6,20}$/i.test(v.replace(/\s+/g, ''))) {
    const c = v.replace(/\s+/g, '').toUpperCase();
    return { kind: 'ticket', value: c.startsWith('TKT-') ? c : `TKT-${c.slice(3)}` };
  }
  return v ? { kind: 'qr', value: v } : { kind: 'junk', value: '' };
}
