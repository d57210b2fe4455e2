// Percentiles over latency samples (nearest-rank, on a sorted copy).

/** @param {Float64Array} samples @param {number} count how many entries are filled */
export function summarize(samples, count) {
  if (count === 0) return null;
  const sorted = samples.slice(0, count).sort();
  const at = (p) => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))];
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i];
  const round = (v) => Math.round(v * 1000) / 1000;
  return {
    count,
    mean: round(sum / count),
    p50: round(at(50)),
    p90: round(at(90)),
    p99: round(at(99)),
    max: round(sorted[count - 1]),
  };
}
