export * from './acl';
export * from './client';
export * from './keys';
export * from './plugin';
export * from './window-counter';
export * from './window-reservation';
