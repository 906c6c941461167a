export * from './acl';
export * from './client';
export * from './error-log';
export * from './keys';
export * from './plugin';
export * from './scripts';
export * from './window-counter';
export * from './window-reservation';
