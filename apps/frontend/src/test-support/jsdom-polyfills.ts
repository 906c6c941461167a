import { TextDecoder, TextEncoder } from 'node:util';

// jsdom lacks the encoding API that react-router uses at import time; Node's is the same
// standard implementation. Import this module before react-router.
Object.assign(globalThis, { TextEncoder, TextDecoder });
