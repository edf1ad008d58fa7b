import {
  ClientError, MerchantRedeemBatchDocument, MerchantScanCodeDocument, MerchantScanTicketCodeDocument,
} from '@deeptravel/client';
import { checkOfflineCode, checkOfflineTicketCode } from '@deeptravel/shared';
import { classifyInput, fromOffline, fromOnline, reasonWords, refused, type ScanView } from '../lib/verdict';
import { uuid } from '../lib/format';
import { t } from '../lib/i18n';
import { chosenTripId, refreshDeparture } from './departures';
import { gql, isNetworkError, serverNow } from './client';
import { connectivity, noteFailure } from './connectivity';
import { sessionStore } from './device';
import { enqueueRedemptions, enqueueRefusal, localUses, offlineStore } from './offline';

/** Checks a code against the offline bundle; a refusal goes into the queue for the server's log. */
function scanOffline(kind: 'qr' | 'ticket', value: string): ScanView {
  const now = serverNow();
  const state = offlineStore.get().state;
  const staff = sessionStore.get()?.staff;
  if (!state) return refused('NOT_IN_BUNDLE', 'offline', now);
  // At a ferry or bus gate the bundle's trip of each ticket is checked against the chosen departure.
  const trip = chosenTripId();
  const opts = { departureTripId: trip ? Number(trip) : null };
  const check = kind === 'ticket' ? checkOfflineTicketCode(state, value, localUses(), now, opts) : checkOfflineCode(state, value, localUses(), now, opts);
  const view = fromOffline(check, staff?.merchantName ?? '', now);
  if (view.verdict !== 'GREEN') {
    enqueueRefusal({ scanNonce: uuid(), scannedAt: new Date(now).toISOString(), reason: view.code ?? 'UNKNOWN', qrRef: view.ref, staffId: staff ? String(staff.staffId) : null });
  }
  return view;
}

/**
 * Scans what the camera, the scanner (keyboard wedge) or the keyboard produced: online through the
 * server; when the network is down (or goes down during the request) against the offline bundle.
 */
export async function scanInput(raw: string): Promise<ScanView> {
  const input = classifyInput(raw);
  if (input.kind === 'junk') return refused('QR_MALFORMED', 'online', Date.now());
  if (input.kind === 'enrol') return { ...refused('QR_MALFORMED', 'online', Date.now()), detail: t('这是设备激活码，不是车船票', 'This is a terminal enrolment code, not a ticket') };
  if (!connectivity.get().online) return scanOffline(input.kind, input.value);
  try {
    const tripId = chosenTripId();
    const r = input.kind === 'ticket'
      ? (await gql(MerchantScanTicketCodeDocument, { code: input.value, tripId })).scanTicketCode
      : (await gql(MerchantScanCodeDocument, { payload: input.value, tripId })).scanCode;
    return fromOnline(r, serverNow());
  } catch (err) {
    if (isNetworkError(err)) {
      noteFailure();
      return scanOffline(input.kind, input.value);
    }
    if (err instanceof ClientError) return { ...refused(err.code, 'online', serverNow()), detail: reasonWords(err.code) };
    throw err;
  }
}

/** What happened to one line when staff confirmed. */
export interface LineOutcome {
  ticketId: string;
  lineId: string;
  ok: boolean;
  queued: boolean;
  message: string;
}

/**
 * Redeems the chosen lines in one confirm: online one redeemBatch with the scan's nonce; offline
 * each line goes into the queue with its own nonce (a UUID), the code's reference and step.
 */
export async function redeemLines(view: ScanView, picks: Array<{ ticketId: string; lineId: string }>): Promise<LineOutcome[]> {
  if (view.source === 'online' && view.scanNonce) {
    try {
      const res = (await gql(MerchantRedeemBatchDocument, { scanNonce: view.scanNonce, items: picks, tripId: chosenTripId() })).redeemBatch;
      if (res.some((o) => o.redemption)) void refreshDeparture();
      return res.map((o) => ({
        ticketId: String(o.ticketId), lineId: String(o.lineId), ok: !!o.redemption, queued: false,
        message: o.redemption ? t('核销成功', 'Redeemed') : o.error?.code === 'ALREADY_REDEEMED' && o.error.terminalCode
          ? t(`已在 ${o.error.terminalCode} 使用`, `Already used on ${o.error.terminalCode}`) : reasonWords(o.error?.code, o.error?.departureAt),
      }));
    } catch (err) {
      if (!isNetworkError(err)) throw err;
      noteFailure();
      // The network dropped between scan and confirm: fall through to the offline queue (the code was verified).
    }
  }
  const staff = sessionStore.get()?.staff;
  const at = new Date(serverNow()).toISOString();
  const step = view.step ?? Math.floor(serverNow() / 30_000);
  const queued = picks.map((p) => {
    const t = view.tickets.find((x) => x.id === p.ticketId)!;
    const l = t.lines.find((x) => x.id === p.lineId)!;
    return {
      scanNonce: uuid(), ticketId: p.ticketId, lineId: p.lineId, scannedAt: at, qrRef: view.ref ?? t.code, qrStep: step,
      staffId: staff ? String(staff.staffId) : null, ticketCode: t.code, lineName: l.name, productName: t.productName, passengerName: t.passengerName,
    };
  });
  enqueueRedemptions(queued);
  return picks.map((p) => ({ ...p, ok: true, queued: true, message: t('已离线核销，联网后自动上传', 'Redeemed offline; sent when the network returns') }));
}
