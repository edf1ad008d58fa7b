import qrcode from 'qrcode-generator';

/**
 * What the enrolment QR of a terminal carries: the terminal code and its one-time key, so the
 * merchant app can fill in `staffLogin`'s terminalCode and terminalKey by scanning it.
 */
export function enrolmentPayload(code: string, key: string): string {
  return JSON.stringify({ type: 'deeptravel-terminal', v: 1, terminalCode: code, terminalKey: key });
}

/** A QR code as a GIF data URL (qrcode-generator, pure JS). */
export function qrDataUrl(text: string, cell = 6): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(cell, 4);
}
