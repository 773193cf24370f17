/* The numerical core of the book's live explorers (assets/explorers/), in float64.
 *
 * Every function mirrors the `momentum` package line for line, with the same names:
 *   optimizers  gradientDescent, heavyBall, emaMomentum, nesterov  (momentum/optimizers.py;
 *               each `update` carries the formula comments of the class's `_update`)
 *   problems    parabola, quadratic, quadraticFromEigenvalues, rotation2d (momentum/problems.py)
 *   run         momentum.run with on_divergence="mark": after each step a setting fails when
 *               a parameter or velocity is non-finite or |param| > 1e50; the run then stops
 *               and reports diverged_at = t + 1 ("diverged at step k"), as run() does
 *   stepsTo     Trajectory.steps_to: the first step after which the error STAYS <= tol, -1 if never
 *   theory      characteristicRoots, spectralRadius, regime, convergenceRate, criticalMomentum,
 *               maxStableLr, tuneGradientDescent, tuneHeavyBall, tuneNesterov (momentum/theory.py)
 * No explorer runs more than MAX_STEPS steps, so a page never freezes.
 *
 * Test API (what tests/browser/test_explorers.py drives; documented in README.md):
 *   window.momentumExplorers[name]      one per explorer on the page, name = data-explorer
 *     .set({control: value, ...})       set controls (exact float values, not rounded to the
 *                                       sliders' steps), recompute and redraw synchronously
 *     .read()                           the numbers the page computed and shows: settings,
 *                                       trajectories (params, velocity, loss), table rows,
 *                                       steps_to, spectral_radius, regime, diverged_at, ...
 *     .controls                         the names set() accepts
 *   window.momentumCore                 this module.
 */
(function (global) {
  "use strict";

  const DIVERGENCE_THRESHOLD = 1e50; // momentum.run's default divergence_threshold
  const MAX_STEPS = 2000;            // the most steps any explorer computes per run

  // --- optimizers (momentum/optimizers.py) -------------------------------------------
  // Each returns {name, family, lr, gamma, gradientPoint(params, velocity), update(params,
  // velocity, grad)}; `update` works in place, element by element, in the order of `_update`.

  function gradientDescent(lr) {
    return {
      name: "GradientDescent", family: "heavy_ball", lr: lr, momentum: 0,
      canonical: { family: "heavy_ball", lr: lr, momentum: 0.0 },
      gradientPoint: (params) => params,
      update(params, velocity, grad) {
        for (let i = 0; i < params.length; i++) {
          velocity[i] = lr * grad[i];       // v = η g
          params[i] = params[i] - velocity[i]; // θ ← θ − v
        }
      },
    };
  }

  function heavyBall(lr, momentum) {
    return {
      name: "HeavyBall", family: "heavy_ball", lr: lr, momentum: momentum,
      canonical: { family: "heavy_ball", lr: lr, momentum: momentum },
      gradientPoint: (params) => params,
      update(params, velocity, grad) {
        for (let i = 0; i < params.length; i++) {
          velocity[i] = velocity[i] * momentum;     // v ← γ v
          velocity[i] = velocity[i] + lr * grad[i]; //       + η g
          params[i] = params[i] - velocity[i];      // θ ← θ − v
        }
      },
    };
  }

  function emaMomentum(lr, beta) {
    return {
      name: "EMAMomentum", family: "heavy_ball", lr: lr, beta: beta,
      canonical: { family: "heavy_ball", lr: lr * (1 - beta), momentum: beta },
      gradientPoint: (params) => params,
      update(params, velocity, grad) {
        const damping = 1 - beta;
        for (let i = 0; i < params.length; i++) {
          velocity[i] = velocity[i] * beta;              // v ← β v
          velocity[i] = velocity[i] + damping * grad[i]; //       + (1 − β) g
          params[i] = params[i] - lr * velocity[i];      // θ ← θ − α v
        }
      },
    };
  }

  function nesterov(lr, momentum) {
    const same = heavyBall(lr, momentum);
    return {
      name: "Nesterov", family: "nesterov", lr: lr, momentum: momentum,
      canonical: { family: "nesterov", lr: lr, momentum: momentum },
      gradientPoint(params, velocity) {
        const point = new Array(params.length);
        for (let i = 0; i < params.length; i++) point[i] = params[i] - momentum * velocity[i]; // θ − γ v
        return point;
      },
      update: same.update, // _update = HeavyBall._update
    };
  }

  // --- problems (momentum/problems.py) --------------------------------------------------
  // Parameters are arrays (length 1 for the scalar Parabola).

  function parabola(curvature) {
    return {
      name: "Parabola", curvature: curvature, eigenvalues: [curvature], minimizer: [0],
      grad: (x) => [curvature * x[0]],
      loss: (x) => 0.5 * curvature * (x[0] * x[0]),
    };
  }

  function quadratic(A, b) {
    const n = A.length;
    b = b || new Array(n).fill(0);
    return {
      name: "Quadratic", A: A, b: b,
      grad(x) { // x @ A − b (A is symmetric)
        const g = new Array(n);
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += x[i] * A[i][j];
          g[j] = s - b[j];
        }
        return g;
      },
      loss(x) { // ½ xᵀ A x − bᵀ x
        let quad = 0, lin = 0;
        for (let i = 0; i < n; i++) {
          let row = 0;
          for (let j = 0; j < n; j++) row += A[i][j] * x[j];
          quad += x[i] * row;
          lin += x[i] * b[i];
        }
        return 0.5 * quad - lin;
      },
    };
  }

  function rotation2d(angle) {
    const c = Math.cos(angle), s = Math.sin(angle);
    return [[c, -s], [s, c]];
  }

  // Quadratic.from_eigenvalues: A = Q diag(λ) Qᵀ, symmetrised, b = A x*.
  function quadraticFromEigenvalues(eigenvalues, rotation, minimizer) {
    const n = eigenvalues.length;
    const Q = rotation || eigenvalues.map((_, i) => eigenvalues.map((__, j) => (i === j ? 1 : 0)));
    const A = [];
    for (let i = 0; i < n; i++) {
      A.push([]);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (Q[i][k] * eigenvalues[k]) * Q[j][k];
        A[i].push(s);
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i][j] = A[j][i] = 0.5 * (A[i][j] + A[j][i]);
    const xStar = minimizer || new Array(n).fill(0);
    const b = A.map((row) => row.reduce((s, a, j) => s + a * xStar[j], 0));
    const problem = quadratic(A, b);
    problem.eigenvalues = eigenvalues.slice();
    problem.eigenvectors = Q;
    problem.minimizer = xStar.slice();
    return problem;
  }

  // --- running (momentum/runner.py, momentum/trajectory.py) -------------------------------

  function run(optimizer, problem, x0, steps) {
    steps = Math.min(Math.max(0, Math.floor(steps)), MAX_STEPS);
    let params = x0.slice(), velocity = x0.map(() => 0);
    const out = { params: [params.slice()], velocity: [velocity.slice()], gradients: [], diverged_at: -1 };
    for (let t = 0; t < steps; t++) {
      const grad = problem.grad(optimizer.gradientPoint(params, velocity));
      out.gradients.push(grad);
      const nextParams = params.slice(), nextVelocity = velocity.slice();
      optimizer.update(nextParams, nextVelocity, grad);
      // A setting fails when its new iterate or velocity is non-finite or its iterate is
      // beyond the threshold (run(): divergence_threshold = 1e50).
      let bad = false;
      for (let i = 0; i < nextParams.length; i++) {
        if (!Number.isFinite(nextParams[i]) || !Number.isFinite(nextVelocity[i])
            || Math.abs(nextParams[i]) > DIVERGENCE_THRESHOLD) bad = true;
      }
      if (bad) { out.diverged_at = t + 1; break; }
      params = nextParams; velocity = nextVelocity; // new arrays every step: safe to keep
      out.params.push(params); out.velocity.push(velocity);
    }
    out.steps = steps;
    out.loss = out.params.map((p) => problem.loss(p));
    out.error = errors(out.params, problem.minimizer);
    return out;
  }

  // NumPy's pairwise summation (what np.sum uses along a contiguous axis).
  function pairwiseSum(a) {
    const n = a.length;
    if (n < 8) { let res = 0; for (let i = 0; i < n; i++) res += a[i]; return res; }
    const r = a.slice(0, 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[i];
    return res;
  }

  // Trajectory.error(): ‖θ_t − θ*‖₂ (|θ_t − θ*| for a scalar problem).
  function errors(params, minimizer) {
    return params.map((p) => (p.length === 1 ? Math.abs(p[0] - minimizer[0])
      : Math.sqrt(pairwiseSum(p.map((x, i) => (x - minimizer[i]) * (x - minimizer[i]))))));
  }

  // Trajectory.steps_to(tol): first t after which the error stays <= tol to the end of the
  // run; -1 if that never happens, or the run diverged (NaN counts as above).
  function stepsTo(trajectory, tol) {
    if (trajectory.diverged_at >= 0) return -1;
    const err = trajectory.error;
    let lastAbove = -1;
    for (let t = err.length - 1; t >= 0; t--) if (!(err[t] <= tol)) { lastAbove = t; break; }
    const reached = lastAbove + 1;
    return reached <= err.length - 1 ? reached : -1;
  }

  // --- theory (momentum/theory.py) --------------------------------------------------------

  function traceDet(lr, momentum, eigenvalue, nesterov) {
    const h = lr * eigenvalue;
    if (nesterov) return [(1 + momentum) * (1 - h), momentum * (1 - h)];
    return [1 + momentum - h, momentum];
  }

  // NumPy's complex division (Smith's method), for r₂ = c / r₁.
  function complexDivide(ar, ai, br, bi) {
    if (Math.abs(br) >= Math.abs(bi)) {
      const rat = bi / br, scl = 1.0 / (br + bi * rat);
      return [(ar + ai * rat) * scl, (ai - ar * rat) * scl];
    }
    const rat = br / bi, scl = 1.0 / (bi + br * rat);
    return [(ar * rat + ai) * scl, (ai * rat - ar) * scl];
  }

  // Roots r₁, r₂ of r² − a r + c = 0 with |r₁| >= |r₂|, as [re, im] pairs; the small root is
  // c / r₁; where ηλ = 0 the roots are exactly 1 and c.
  function characteristicRoots(lr, momentum, eigenvalue, nesterov) {
    const [a, c] = traceDet(lr, momentum, eigenvalue, !!nesterov);
    const d = a * a - 4 * c;
    const sr = d >= 0 ? Math.sqrt(d) : 0, si = d >= 0 ? 0 : Math.sqrt(-d);
    const sign = a >= 0 ? 1 : -1;
    let r1 = [0.5 * (a + sign * sr), 0.5 * (sign * si)];
    let r2 = (r1[0] !== 0 || r1[1] !== 0) ? complexDivide(c, 0, r1[0], r1[1]) : [0, 0];
    if (lr * eigenvalue === 0) { r1 = [1.0, 0]; r2 = [c, 0]; }
    return [r1, r2];
  }

  function spectralRadius(lr, momentum, eigenvalue, nesterov) {
    const r1 = characteristicRoots(lr, momentum, eigenvalue, nesterov)[0];
    return Math.hypot(r1[0], r1[1]);
  }

  const REGIMES = ["over-damped", "critically damped", "under-damped", "divergent"];

  function regime(lr, momentum, eigenvalue, nesterov) {
    const [a, c] = traceDet(lr, momentum, eigenvalue, !!nesterov);
    const discriminant = a * a - 4 * c;
    const critical = Math.abs(discriminant) <= 1e-12 * Math.max(a * a, 4 * Math.abs(c));
    const name = critical ? REGIMES[1] : (discriminant < 0 ? REGIMES[2] : REGIMES[0]);
    return spectralRadius(lr, momentum, eigenvalue, nesterov) >= 1 ? REGIMES[3] : name;
  }

  // convergence_rate: the worst spectral radius over the eigenvalues (via `canonical`).
  function convergenceRate(optimizer, eigenvalues) {
    const k = optimizer.canonical;
    return Math.max(...eigenvalues.map((lam) => spectralRadius(k.lr, k.momentum, lam, k.family === "nesterov")));
  }

  function criticalMomentum(lr, eigenvalue) {
    const x = 1 - Math.sqrt(lr * eigenvalue);
    return x * x;
  }

  function maxStableLr(momentum, eigenvalue, nesterov) {
    const bound = nesterov ? (2 + 2 * momentum) / (1 + 2 * momentum) : 2 * (1 + momentum);
    return bound / eigenvalue;
  }

  function tuneGradientDescent(mu, L) {
    const kappa = L / mu;
    return { lr: 2 / (mu + L), momentum: 0.0, rate: (kappa - 1) / (kappa + 1) };
  }

  function tuneHeavyBall(mu, L) {
    const kappa = L / mu;
    const rate = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
    const s = Math.sqrt(L) + Math.sqrt(mu);
    return { lr: 4 / (s * s), momentum: rate * rate, rate: rate };
  }

  function tuneNesterov(mu, L) {
    const kappa = L / mu;
    const root = Math.sqrt(3 * kappa + 1);
    return { lr: 4 / (3 * L + mu), momentum: (root - 2) / (root + 2), rate: 1 - 2 / root };
  }

  // convert(HeavyBall(η, γ), EMAMomentum): α = η / (1 − γ), β = γ.
  function toEma(lr, momentum) {
    return { lr: lr / (1 - momentum), beta: momentum };
  }

  // How a run ended, in words the explorers show.
  function status(trajectory, stepsNeeded, tolText) {
    if (trajectory.diverged_at >= 0) return `diverged at step ${trajectory.diverged_at}`;
    if (stepsNeeded >= 0) return `${stepsNeeded} steps to ${tolText}`;
    return `not within ${trajectory.steps} steps`;
  }

  global.momentumCore = {
    DIVERGENCE_THRESHOLD, MAX_STEPS, REGIMES,
    gradientDescent, heavyBall, emaMomentum, nesterov,
    parabola, quadratic, quadraticFromEigenvalues, rotation2d,
    run, errors, stepsTo, pairwiseSum,
    characteristicRoots, spectralRadius, regime, convergenceRate, criticalMomentum, maxStableLr,
    tuneGradientDescent, tuneHeavyBall, tuneNesterov, toEma, status,
  };
  global.momentumExplorers = global.momentumExplorers || {};
  global.momentumExplorerModules = global.momentumExplorerModules || {};
})(window);
