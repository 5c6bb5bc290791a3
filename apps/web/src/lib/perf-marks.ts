/**
 * Named moments of this page's life, as User Timing marks `parley:<name>` (the first occurrence of
 * each only), so a benchmark or a developer's Performance panel can see where the time from opening
 * the page to the room goes. Costs nothing when nobody reads them.
 */
export const PERF_PREFIX = 'parley:';

const seen = new Set<string>();

export const perfMark = (name: string): void => {
  if (seen.has(name)) return;
  seen.add(name);
  globalThis.performance?.mark?.(`${PERF_PREFIX}${name}`);
};
