import { sigmoid } from '../../../proxy/src/cache/semantic/judge/model';

/**
 * Deterministic L2-regularised logistic regression by Newton's method (IRLS) on standardised
 * features: the same data give the same weights on every machine.
 */
export function fitLogistic(x: readonly number[][], y: readonly number[], l2 = 1, iterations = 25): { mean: number[]; scale: number[]; coef: number[]; intercept: number } {
  const n = x.length;
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_v, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const scale = Array.from({ length: d }, (_v, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const z = x.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / scale[j]!)]);
  const p = d + 1;
  let beta = new Array<number>(p).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(p).fill(0);
    const hess = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let lin = 0;
      for (let j = 0; j < p; j++) lin += beta[j]! * row[j]!;
      const mu = sigmoid(lin);
      const wgt = Math.max(mu * (1 - mu), 1e-9);
      const r = y[i]! - mu;
      for (let j = 0; j < p; j++) {
        grad[j]! += r * row[j]!;
        const hj = hess[j]!;
        for (let k = j; k < p; k++) hj[k]! += wgt * row[j]! * row[k]!;
      }
    }
    for (let j = 1; j < p; j++) {
      grad[j]! -= l2 * beta[j]!;
      hess[j]![j]! += l2;
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
    const step = solve(hess, grad);
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { mean, scale, coef: beta.slice(1), intercept: beta[0]! };
}

/** Gaussian elimination with partial pivoting (the Hessian is small and positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / d;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((r, i) => r[n]! / (r[i]! || 1e-12));
}
