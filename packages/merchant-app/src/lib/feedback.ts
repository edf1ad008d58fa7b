import Taro from '@tarojs/taro';
import type { Verdict } from './verdict';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';
let audio: AudioContext | null = null;

/** Tones per verdict: one high beep for go, two middle for used, three low for stop. */
const TONES: Record<Verdict, { freq: number; count: number }> = { GREEN: { freq: 1320, count: 1 }, YELLOW: { freq: 660, count: 2 }, RED: { freq: 220, count: 3 } };

function beep(v: Verdict): void {
  try {
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctor) return;
    audio ??= new Ctor();
    const { freq, count } = TONES[v];
    for (let i = 0; i < count; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      osc.type = v === 'RED' ? 'square' : 'sine';
      gain.gain.value = 0.3;
      osc.connect(gain).connect(audio.destination);
      const t = audio.currentTime + i * 0.22;
      osc.start(t);
      osc.stop(t + 0.15);
    }
  } catch {
    /* no sound on this device */
  }
}

/** Sound and vibration for a verdict, so staff need not look at the screen for every passenger. */
export function signal(v: Verdict): void {
  if (IS_WEAPP) {
    if (v === 'GREEN') void Taro.vibrateShort({ type: 'heavy' }).catch(() => undefined);
    else void Taro.vibrateLong().catch(() => undefined);
    return;
  }
  beep(v);
  try {
    navigator.vibrate?.(v === 'GREEN' ? 80 : v === 'YELLOW' ? [120, 80, 120] : [300, 100, 300]);
  } catch {
    /* no vibration motor */
  }
}

let lock: { release(): Promise<void> } | null = null;

/** Keeps the screen on while the scan page is open (weapp: setKeepScreenOn; H5: the Wake Lock API where there is one). */
export async function keepScreenOn(on: boolean): Promise<void> {
  if (IS_WEAPP) {
    await Taro.setKeepScreenOn({ keepScreenOn: on }).catch(() => undefined);
    return;
  }
  try {
    const wl = (navigator as { wakeLock?: { request(t: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
    if (on && wl && !lock) lock = await wl.request('screen');
    if (!on && lock) {
      await lock.release();
      lock = null;
    }
  } catch {
    /* not allowed here (no user gesture yet, or not a secure context) */
  }
}
