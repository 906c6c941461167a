export * from './coturn';
export * from './nginx';
export * from './postgres';
export * from './production-configs';
export * from './process';
export * from './redis';
export * from './server';
export * from './system';
