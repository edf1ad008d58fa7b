/**
 * `@tarojs/taro` for component tests: the real H5 implementation. In builds, Taro's Babel plugin
 * turns `Taro.api()` into named imports of `@tarojs/taro-h5`; here the named APIs are put back
 * on the default object instead.
 */
import * as h5 from '@tarojs/taro-h5';

const Taro = { ...(h5 as any).default, ...h5 };
export default Taro;
export * from '@tarojs/taro-h5';
