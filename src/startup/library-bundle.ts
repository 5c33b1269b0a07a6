// What dist/lib.cjs is built from: the library (index.ts) and what its entry
// (startup/library.ts, dist/index.cjs) needs besides to keep its caches.
import * as library from '../index.js';

export { library };
export { generatedSources, takenSources } from '../cpu/generated.js';
export { onRunEnd, runsSeen } from '../host/process-runs.js';
