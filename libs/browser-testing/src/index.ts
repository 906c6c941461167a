export * from './people';
export * from './platform-state';
export * from './candidate-pairs';
export * from './lab-people';
export * from './inbound-media';
export * from './synthetic-camera';
export * from './weak-uplink-meeting';
export * from './use-browser';
