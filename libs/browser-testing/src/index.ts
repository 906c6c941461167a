export * from './people';
export * from './platform-state';
export * from './candidate-pairs';
export * from './lab-people';
export * from './video-frames';
export * from './use-browser';
