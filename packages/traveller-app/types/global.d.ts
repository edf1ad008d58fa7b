/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';

/** The GraphQL endpoint (build-time: TARO_APP_API_URL; default /graphql on H5, the local server on weapp). */
declare const DT_API_URL: string;
/** H5 outside WeChat has no wx.login: a dev/test token (TARO_APP_DEV_TOKEN, default user123) signs in. */
declare const DT_DEV_TOKEN: string;

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | string;
  }
}
