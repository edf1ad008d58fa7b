/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.css';

/** The GraphQL endpoint (build-time: TARO_APP_API_URL; default /graphql on H5, the local server on weapp). */
declare const DT_API_URL: string;

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | string;
  }
}
