export * from './clients';
export * from './environment';
export * from './eventually';
export * from './fixtures';
export * from './runtime';
export * from './servers';
export * from './tokens';
export * from './turn-client';
