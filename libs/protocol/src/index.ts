export * from './bus';
export * from './http';
export * from './ids';
export * from './limits';
export * from './peer-messages';
export * from './signaling';
