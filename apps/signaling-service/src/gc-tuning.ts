import { setFlagsFromString } from 'node:v8';

/**
 * V8's allocation-site pretenuring off, for this process: imported first by main.ts, before any
 * other module has run.
 *
 * V8 watches each object and array literal in the code: when nearly all objects one literal made
 * survive a young-generation collection, it decides they are long-lived and from then on
 * allocates that literal's objects straight in the old generation, and never takes it back. A
 * node's start is such a moment: a burst of sockets authenticating and joining, each step held
 * over Redis round trips. Literals used there are used again for every relayed frame (Node's own
 * `process.nextTick` and stream entries among them), so after an unlucky start every frame's
 * objects — and the young buffers and strings they point at, kept alive until a full collection
 * — went to the old generation: ≈ 20 MB/s at 15,000 frames/s, a mark-compact every ≈ 0.6 s,
 * 10–18 ms pauses, the p99 tail of issue 12, in about a third of the processes. Without
 * pretenuring a long-lived object is copied once more before promotion, which costs nothing a
 * relay notices. Measurements: docs/BENCHMARKS.md ("The tail").
 */
setFlagsFromString('--no-allocation-site-pretenuring');
