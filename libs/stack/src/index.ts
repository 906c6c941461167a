export * from './run-services';
export * from './services';
