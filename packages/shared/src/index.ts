export * from './enums.js';
export * from './money.js';
export * from './local-date.js';
export * from './pricing.js';
export * from './qr-token.js';
export * from './offline-bundle.js';
