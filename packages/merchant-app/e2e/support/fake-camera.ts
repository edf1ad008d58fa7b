import { writeFileSync } from 'node:fs';
import qrcode from 'qrcode-generator';

/**
 * Writes a YUV4MPEG2 video (what Chromium's fake camera plays in a loop) showing a QR code: the
 * modules drawn black on white, centred, in a 640×480 greyscale frame.
 */
export function writeQrY4m(file: string, text: string, frames = 4): void {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const W = 640;
  const H = 480;
  const scale = Math.floor(440 / (n + 8));
  const size = (n + 8) * scale;
  const x0 = Math.floor((W - size) / 2);
  const y0 = Math.floor((H - size) / 2);
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
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from('FRAME\n'), y, chroma, chroma);
  writeFileSync(file, Buffer.concat(parts));
}
