export * from './bus';
export * from './http';
export * from './ids';
export * from './json';
export * from './limits';
export * from './room-cache';
export * from './peer-messages';
export * from './signaling';
