export * from './run-services';
export * from './services';
export * from './platform';
export * from './setup';
export * from './public-host';
