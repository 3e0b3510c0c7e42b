/**
 * Not public API: preloaded (`node --expose-gc --require`) into a built gateway by tests that measure its
 * memory. SIGUSR2 runs a full garbage collection, so RSS is read after V8 has collected, not whenever its
 * heuristics next get round to it. Nothing of this is in the gateway itself.
 */
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  if (process.send) process.send({ type: 'gc-done' });
});
