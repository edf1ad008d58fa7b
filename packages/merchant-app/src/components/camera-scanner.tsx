import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { createElement, useEffect, useRef, useState } from 'react';
import { t } from '../lib/i18n';
import { Btn } from './ui';

const IS_H5 = process.env.TARO_ENV === 'h5';
/** Only the H5 build has this chunk: the constant condition lets webpack drop the import on weapp. */
const loadJsQr = process.env.TARO_ENV === 'h5' ? () => import(/* webpackChunkName: "jsqr" */ 'jsqr') : null;

/** Time between two decode attempts (a frame takes ~15–20 ms to decode on a phone-class CPU). */
const SCAN_EVERY_MS = 150;
/** Frames are scaled down to this width before decoding: enough for a ticket QR held up to the camera. */
const MAX_DECODE_WIDTH = 800;

/**
 * The camera: on weapp `Taro.scanCode` (WeChat's own scanner); on H5 the browser camera, its frames
 * decoded by jsQR, which is loaded only when staff open the camera here.
 *
 * jsQR rather than zxing-js: drawn the way the traveller app draws them, zxing-js could not read about
 * one ticket QR in seven however the frame was placed (29 of 200 random payloads; zbar and jsQR read
 * all 200), so a gate would have been stuck on those tickets (docs/apps.md).
 */
export function CameraScanner({ onScan, paused }: { onScan: (text: string) => void; paused: boolean }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement | null>(null);
  const lastText = useRef({ text: '', at: 0 });
  const cb = useRef(onScan);
  cb.current = onScan;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (!loadJsQr || !open) return;
    let cancelled = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const canvas = document.createElement('canvas');
    const g = canvas.getContext('2d', { willReadFrequently: true });
    (async () => {
      try {
        const { default: jsQR } = await loadJsQr();
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        const v = video.current;
        if (cancelled || !v || !g) {
          stream.getTracks().forEach((track) => track.stop());
          return;
        }
        v.srcObject = stream;
        await v.play().catch(() => undefined);
        const tick = () => {
          if (cancelled) return;
          if (v.readyState >= 2 && v.videoWidth > 0 && !pausedRef.current) {
            const scale = Math.min(1, MAX_DECODE_WIDTH / v.videoWidth);
            const w = Math.round(v.videoWidth * scale);
            const h = Math.round(v.videoHeight * scale);
            if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
            g.drawImage(v, 0, 0, w, h);
            const found = jsQR(g.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
            const text = found?.data;
            // The same code stays in front of the camera: once per 3 s.
            if (text && !(text === lastText.current.text && Date.now() - lastText.current.at < 3000)) {
              lastText.current = { text, at: Date.now() };
              cb.current(text);
            }
          }
          timer = setTimeout(tick, SCAN_EVERY_MS);
        };
        tick();
      } catch (err) {
        if (cancelled) return;
        setError(`${t('无法打开摄像头：', 'Cannot open the camera: ')}${String((err as Error)?.message ?? err)}`);
        setOpen(false);
      }
    })();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [open]);

  if (!IS_H5) {
    return (
      <Btn testId='scan-camera' onClick={() => {
        Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] })
          .then((r) => onScan(r.result))
          .catch(() => undefined);
      }}>
        {t('扫描二维码（摄像头）', 'Scan a QR code (camera)')}
      </Btn>
    );
  }
  return (
    <View>
      {open ? (
        <View className='camera' data-testid='camera'>
          {/* Styled inline: Taro's H5 build rewrites `video` in CSS selectors to its own component's tag. */}
          {createElement('video', { ref: video, muted: true, playsInline: true, autoPlay: true, style: { width: '100%', height: '100%', display: 'block', objectFit: 'cover' } })}
        </View>
      ) : null}
      {error ? <Text className='hint'>{error}</Text> : null}
      <Btn kind={open ? 'secondary' : 'primary'} testId='scan-camera' onClick={() => setOpen((o) => !o)}>
        {open ? t('关闭摄像头', 'Close the camera') : t('打开摄像头扫码', 'Scan with the camera')}
      </Btn>
    </View>
  );
}
