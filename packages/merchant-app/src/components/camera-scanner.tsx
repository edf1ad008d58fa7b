import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { createElement, useEffect, useRef, useState } from 'react';
import { t } from '../lib/i18n';
import { Btn } from './ui';

const IS_H5 = process.env.TARO_ENV === 'h5';
/** Only the H5 build has this chunk: the constant condition lets webpack drop the import on weapp. */
const loadZxing = process.env.TARO_ENV === 'h5' ? () => import(/* webpackChunkName: "zxing" */ '@zxing/browser') : null;

interface Controls {
  stop(): void;
}

/**
 * The camera: on weapp `Taro.scanCode` (WeChat's own scanner); on H5 the browser camera decoded by
 * @zxing/browser, which is loaded only when staff open the camera here (it is ~480 KB).
 */
export function CameraScanner({ onScan, paused }: { onScan: (text: string) => void; paused: boolean }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement | null>(null);
  const controls = useRef<Controls | null>(null);
  const lastText = useRef({ text: '', at: 0 });
  const cb = useRef(onScan);
  cb.current = onScan;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (!loadZxing || !open) return;
    let cancelled = false;
    (async () => {
      try {
        const { BrowserQRCodeReader } = await loadZxing();
        if (cancelled || !video.current) return;
        const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 });
        controls.current = await reader.decodeFromVideoDevice(undefined, video.current, (result) => {
          if (!result || pausedRef.current) return;
          const text = result.getText();
          // The same code stays in front of the camera: once per 3 s.
          if (text === lastText.current.text && Date.now() - lastText.current.at < 3000) return;
          lastText.current = { text, at: Date.now() };
          cb.current(text);
        });
      } catch (err) {
        setError(`${t('无法打开摄像头：', 'Cannot open the camera: ')}${String((err as Error)?.message ?? err)}`);
        setOpen(false);
      }
    })();
    return () => {
      cancelled = true;
      controls.current?.stop();
      controls.current = null;
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
          {createElement('video', { ref: video, muted: true, playsInline: true, autoPlay: true })}
        </View>
      ) : null}
      {error ? <Text className='hint'>{error}</Text> : null}
      <Btn kind={open ? 'secondary' : 'primary'} testId='scan-camera' onClick={() => setOpen((o) => !o)}>
        {open ? t('关闭摄像头', 'Close the camera') : t('打开摄像头扫码', 'Scan with the camera')}
      </Btn>
    </View>
  );
}
