import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeWechatPay, type FakeWechatPay } from './fake-wechatpay.js';

/** A merchant identity and a fake WeChat Pay that knows it, plus the env that points the server at it. */
export interface WechatTestEnv {
  fake: FakeWechatPay;
  env: Record<string, string>;
  merchantPublicKeyPem: string;
  apiV3Key: string;
  mchid: string;
  appid: string;
}

export async function startWechatTestEnv(): Promise<WechatTestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'dt-wxpay-'));
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const mchid = '1900000109';
  const appid = 'wxd678efh567hg6787';
  const apiV3Key = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
  const serial = '3775B6A45ACD588826D15E583A95F5DD0C1A2B3C';
  const fake = await startFakeWechatPay({ mchid, appid, merchantPublicKeyPem: publicKey, apiV3Key, merchantSerialNo: serial });
  writeFileSync(join(dir, 'apiclient_key.pem'), privateKey);
  writeFileSync(join(dir, 'wechatpay_pub_key.pem'), fake.platformPublicKeyPem);
  return {
    fake, merchantPublicKeyPem: publicKey, apiV3Key, mchid, appid,
    env: {
      PAYMENT_GATEWAY: 'wechat',
      WECHATPAY_APPID: appid,
      WECHATPAY_MCHID: mchid,
      WECHATPAY_MERCHANT_SERIAL_NO: serial,
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: join(dir, 'apiclient_key.pem'),
      WECHATPAY_APIV3_KEY: apiV3Key,
      WECHATPAY_PUBLIC_KEY_ID: fake.platformKeyId,
      WECHATPAY_PUBLIC_KEY_FILE: join(dir, 'wechatpay_pub_key.pem'),
      WECHATPAY_API_BASE_URL: fake.baseUrl,
      WECHATPAY_NOTIFY_BASE_URL: 'https://deeptravel.example.com',
    },
  };
}
