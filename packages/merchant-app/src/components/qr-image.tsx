import { Image, View } from '@tarojs/components';
import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** A QR code as a GIF data URL (qrcode-generator: pure JS, works on weapp and H5). */
export function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(8, 4);
}

/** The QR of a payload, drawn large and crisp. */
export function QrImage({ payload, dim }: { payload: string; dim?: boolean }) {
  const src = useMemo(() => qrDataUrl(payload), [payload]);
  return (
    <View className={`qr ${dim ? 'qr--dim' : ''}`}>
      <Image className='qr__img' src={src} mode='scaleToFill' data-testid='qr-image' />
    </View>
  );
}
