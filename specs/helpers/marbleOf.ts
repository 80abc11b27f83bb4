/** Marble helpers for specs whose events are far apart in time: marbles built from frame times. */

/** A run-mode marble for values at frames (same-frame values grouped), completing at `end`. */
export const marbleOf = (frames: ReadonlyArray<readonly [number, string]>, end: number): string => {
  const groups = new Map<number, string>();
  for (const [t, v] of frames) groups.set(t, (groups.get(t) ?? '') + v);
  if (!groups.has(end)) groups.set(end, '');
  groups.set(end, `${groups.get(end)}|`);
  let out = '';
  let at = 0;
  for (const t of [...groups.keys()].sort((a, b) => a - b)) {
    if (t > at) out += `${t - at}ms `;
    const g = groups.get(t)!;
    out += g.length === 1 ? g : `(${g})`;
    at = t + (g.length === 1 ? 1 : g.length + 2);
    if (t > at) throw new Error('overlapping groups');
    out += ' ';
  }
  return out.trim();
};
