export * from './generated/graphql';
export * from './operation';
export * from './client';
export * from './error-messages';
export * from './taro-socket';
export * from './taro-transport';
