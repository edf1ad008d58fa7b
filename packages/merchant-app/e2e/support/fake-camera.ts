import { writeFileSync } from 'node:fs';
import qrcode from 'qrcode-generator';
import jsQR from 'jsqr';

const W = 640;
const H = 480;

/** The luma plane of one 640×480 frame: the QR's modules black on white, `margin` px wide with its quiet zone, shifted by `shift` px. */
function qrFrame(text: string, margin: number, shift: number): Buffer {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const scale = Math.floor(margin / (n + 8));
  const size = (n + 8) * scale;
  const x0 = Math.floor((W - size) / 2) + shift;
  const y0 = Math.floor((H - size) / 2) + shift;
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.isDark(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + (r + 4) * scale + dy) * W;
        y.fill(16, row + x0 + (c + 4) * scale, row + x0 + (c + 5) * scale);
      }
    }
  }
  return y;
}

/** True when jsQR (the decoder the merchant app's camera uses) reads `text` from this frame. */
function decoderReads(luma: Buffer, text: string): boolean {
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < luma.length; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = luma[i];
    rgba[4 * i + 3] = 255;
  }
  return jsQR(rgba, W, H, { inversionAttempts: 'dontInvert' })?.data === text;
}

/**
 * Writes a YUV4MPEG2 video (what Chromium's fake camera plays in a loop) showing a QR code in a
 * 640×480 greyscale frame.
 *
 * The frame is checked with the app's decoder first (a few sizes and positions are tried), so that a
 * failure of the camera test means the camera path is broken, not that one frame was unlucky: with
 * zxing-js, which the app used before, one QR in seven was never read and the test failed at random.
 */
export function writeQrY4m(file: string, text: string, frames = 4): void {
  const candidates: Array<[number, number]> = [];
  for (const margin of [440, 400, 360, 420, 380, 340, 460]) for (const shift of [0, 5, -7, 11]) candidates.push([margin, shift]);
  const y = candidates.map(([m, s]) => qrFrame(text, m, s)).find((f) => decoderReads(f, text));
  if (!y) throw new Error(`no frame size tried lets jsQR read this QR (${text.length} characters)`);
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), y, chroma, chroma);
  writeFileSync(file, Buffer.concat(parts));
}
