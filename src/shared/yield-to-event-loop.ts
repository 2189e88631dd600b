/**
 * Lets timers and I/O run before going on. A chain of awaited promises that never waits on real
 * I/O — PGlite queries run in-process, in WebAssembly — resolves in microtasks and holds the event
 * loop for the whole chain; a loop over many such queries calls this between them.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
