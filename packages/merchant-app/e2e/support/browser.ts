import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser), with the flags this machine needs (Playwright makes a fresh profile). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium; with `fakeCamera` (a .y4m file) its camera plays that video and permission is granted. */
export function launchChromium(fakeCamera?: string): Promise<Browser> {
  const camera = fakeCamera
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${fakeCamera}`]
    : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...camera] });
}
