/** Rate in units per second and the seconds left at that rate (undefined until something is done). */
export function rateAndEta(done: number, total: number, elapsedSeconds: number): { ratePerSecond: number; etaSeconds: number | undefined } {
  const ratePerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const etaSeconds = ratePerSecond > 0 ? Math.max(0, total - done) / ratePerSecond : undefined;
  return { ratePerSecond, etaSeconds };
}

/** A duration for people: "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A rate for people: 3 significant digits, "/s". */
export function formatRate(ratePerSecond: number): string {
  return `${ratePerSecond >= 100 ? Math.round(ratePerSecond) : Number(ratePerSecond.toPrecision(3))}/s`;
}
