export * from './core';
export * from './firewall';
export * from './lab';
export * from './nat';
export * from './shaping';
