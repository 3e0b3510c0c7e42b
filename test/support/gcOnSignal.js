/**
 * Not public API: preloaded (`node --expose-gc --require`) into a built gateway by tests that measure its
 * memory. SIGUSR2 runs V8's memory-reducing full collection (`flavor: 'last-resort'`, what V8 runs before
 * giving up with an out-of-memory error): it collects everything and hands the pages it freed back to the
 * system. A plain `gc()` collects but keeps the freed pages committed for reuse: after the abuse suite on a
 * loaded machine, old space held 75 MB committed for 26 MB used, and RSS read 20-30% above a baseline taken
 * with 31 MB committed, with the heap flat (about one run in three beside other test files). V8's memory reducer releases those pages too, but only after the
 * process has been idle for a while. So RSS is read after both collect, not whenever V8's heuristics next
 * get round to it. Nothing of this is in the gateway itself.
 */
'use strict';
const v8 = require('node:v8');
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') {
    // A precise full collection first: the last-resort one alone was seen to leave 40-90 MB of the abuse
    // rounds' garbage in the heap on Node 20 (V8 11.3), where both in a row leave the same 26 MB each time.
    // Compacting: without it V8 kept old space at 77 MB committed for 26 MB live (pages with a few live
    // objects each cannot be released); evacuating them hands those pages back. The flag is V8's own and is
    // switched off again at once: only the measuring collection compacts.
    v8.setFlagsFromString('--compact-on-every-full-gc');
    global.gc();
    global.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
  if (process.send) process.send({ type: 'gc-done' });
});
