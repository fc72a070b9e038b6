// Overlapping highlights as one flat sequence of runs, as the server draws them
// (papers/reading.py `flat_runs`): a paragraph's text is cut at every highlight's start and end,
// and each piece covered by at least one is drawn once, as the innermost one covering it (the
// latest to start, then the shortest), with how many cover it. Never one <mark> inside another:
// a passage under ten thousand annotations is one mark, not ten thousand nested ones.
//
// Pure: offsets in code points in, runs in code points out; text.js draws them.

/** The runs of `annotations` ({id, start, end}, code points; those without a passage or outside
 * `length` left out) in order: {start, end, top, shownTop, depth}. `top` is the innermost of
 * them all, `shownTop` the innermost of those `shown(a)` accepts (null when none does: the run
 * is drawn "off"), `depth` how many cover the run. O(n log n): one sort, then a sweep keeping the
 * open annotations in the order they started (the innermost is the last one still open). */
export function flatRuns(annotations, length, shown = () => true) {
  const usable = annotations
    .filter((a) => a.start != null && a.start >= 0 && a.start < a.end && a.end <= length)
    .sort((x, y) => x.start - y.start || y.end - x.end || x.id - y.id);
  if (!usable.length) return [];
  const ends = usable.map((a) => a.end).sort((x, y) => x - y);
  const cuts = [...new Set([...usable.map((a) => a.start), ...ends])].sort((x, y) => x - y);
  const runs = [];
  const open = [];
  const openShown = [];
  let started = 0;
  let ended = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const at = cuts[i];
    while (started < usable.length && usable[started].start <= at) {
      const a = usable[started++];
      open.push(a);
      if (shown(a)) openShown.push(a);
    }
    while (ended < ends.length && ends[ended] <= at) ended++;
    while (open.length && open.at(-1).end <= at) open.pop();
    while (openShown.length && openShown.at(-1).end <= at) openShown.pop();
    if (open.length) {
      runs.push({
        start: at,
        end: cuts[i + 1],
        top: open.at(-1),
        shownTop: openShown.at(-1) ?? null,
        depth: started - ended,
      });
    }
  }
  return runs;
}
