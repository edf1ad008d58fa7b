import Taro from '@tarojs/taro';

/** JSON values in the device's storage (localStorage on H5, wx storage on weapp); best effort. */
export function load<T>(key: string): T | null {
  try {
    const raw = Taro.getStorageSync(`dtm.${key}`);
    return raw === '' || raw === undefined || raw === null ? null : (raw as T);
  } catch {
    return null;
  }
}

export function save<T>(key: string, value: T | null): void {
  try {
    if (value === null) Taro.removeStorageSync(`dtm.${key}`);
    else Taro.setStorageSync(`dtm.${key}`, value);
  } catch {
    /* storage full or unavailable: the in-memory copy still works until the app closes */
  }
}
