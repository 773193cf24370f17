/* Explorer "valley" (chapters 1 and 7): the narrow valley J(x) = ½ xᵀAx, eigenvalues μ = 1 and
 * L = κ, tilted by 30° (Quadratic.from_eigenvalues([1, κ], rotation_2d(π/6))), from (−4, −1.5).
 * Controls: kappa (κ), method, lr (η; α for the EMA form), momentum (γ; β for the EMA form),
 * steps. "optimal tuning" sets the theory's tuning of the method (tune_gradient_descent,
 * tune_heavy_ball — converted to α, β for the EMA form — or tune_nesterov).
 * read(): settings, eigenvalues, A, params, velocity, loss, diverged_at, steps_to (error <= 1e-6),
 * rate (convergence_rate: the worst spectral radius), and the last timing in ms.
 */
(function (global) {
  "use strict";
  const core = global.momentumCore, ui = global.momentumUI, d3 = global.d3;
  const METHODS = ["gradient descent", "heavy ball", "EMA momentum", "Nesterov"];
  const X0 = [-4.0, -1.5], TOL = 1e-6, ANGLE = Math.PI / 6;

  function optimizer(method, lr, momentum) {
    if (method === "gradient descent") return core.gradientDescent(lr);
    if (method === "heavy ball") return core.heavyBall(lr, momentum);
    if (method === "EMA momentum") return core.emaMomentum(lr, momentum);
    return core.nesterov(lr, momentum);
  }

  function tuning(method, mu, L) {
    if (method === "gradient descent") { const t = core.tuneGradientDescent(mu, L); return { lr: t.lr, momentum: 0 }; }
    if (method === "Nesterov") { const t = core.tuneNesterov(mu, L); return { lr: t.lr, momentum: t.momentum }; }
    const t = core.tuneHeavyBall(mu, L);
    if (method === "EMA momentum") { const e = core.toEma(t.lr, t.momentum); return { lr: e.lr, momentum: e.beta }; }
    return { lr: t.lr, momentum: t.momentum };
  }

  ui.register("valley", function mount(root) {
    const panel = ui.el("div", { class: "mx-controls" }, root);
    const update = () => recompute();
    const hb50 = core.tuneHeavyBall(1, 50);
    const controls = {
      kappa: ui.slider(panel, { name: "kappa", label: "condition number κ", min: 0, max: 3, step: 0.01, log: true,
        value: 50, format: (v) => ui.fmt(v, 1) }, update),
      method: ui.select(panel, { name: "method", label: "method", options: METHODS, value: "heavy ball" }, update),
      lr: ui.slider(panel, { name: "lr", label: "learning rate η (α for EMA)", min: -4, max: 0.5, step: 0.01, log: true,
        value: hb50.lr }, update),
      momentum: ui.slider(panel, { name: "momentum", label: "momentum γ (β for EMA)", min: 0, max: 0.99, step: 0.01,
        value: hb50.momentum }, update),
      steps: ui.slider(panel, { name: "steps", label: "steps", min: 10, max: core.MAX_STEPS, step: 10, value: 500,
        format: (v) => String(v) }, update),
    };
    ui.button(panel, "optimal tuning", () => {
      const t = tuning(controls.method.value, 1.0, controls.kappa.value);
      controls.lr.set(t.lr); controls.momentum.set(t.momentum); recompute();
    });
    const summary = ui.el("p", { class: "mx-summary", "aria-live": "polite" }, root);
    const plots = ui.el("div", { class: "mx-plots" }, root);
    const map = ui.chart(plots, { title: "path over the contour lines of J", xLabel: "x₁", yLabel: "x₂",
      width: 420, height: 320, margin: { left: 50 } });
    const lossChart = ui.chart(plots, { title: "loss J(x_t) on a log scale", xLabel: "step t", yLabel: "J(x_t)", yLog: true,
      width: 420, height: 320 });
    let result = null, lastMs = 0;
    map.x.domain([-5, 5]); map.y.domain([-3.5, 3.5]);
    const contours = map.plot.append("g").attr("class", "mx-contours");

    function recompute() {
      const started = performance.now();
      const kappa = controls.kappa.value, method = controls.method.value;
      const lr = controls.lr.value, momentum = method === "gradient descent" ? 0 : controls.momentum.value;
      controls.momentum.input.disabled = method === "gradient descent";
      const eigenvalues = [1.0, kappa];
      const problem = core.quadraticFromEigenvalues(eigenvalues, core.rotation2d(ANGLE));
      const opt = optimizer(method, lr, momentum);
      const traj = core.run(opt, problem, X0, controls.steps.value);
      const stepsNeeded = core.stepsTo(traj, TOL);
      result = {
        settings: { kappa: kappa, method: method, lr: lr, momentum: momentum, steps: traj.steps, x0: X0, tol: TOL,
          angle: ANGLE },
        eigenvalues: eigenvalues, A: problem.A, params: traj.params, velocity: traj.velocity, loss: traj.loss,
        diverged_at: traj.diverged_at, steps_to: stepsNeeded, rate: core.convergenceRate(opt, eigenvalues),
        status: core.status(traj, stepsNeeded, "10⁻⁶"),
      };
      draw(problem);
      lastMs = performance.now() - started;
    }

    function draw(problem) {
      summary.textContent = ui.t("{method}: {status}; worst factor per step {rate}.", { method: ui.t(result.settings.method),
        status: ui.t(result.status), rate: ui.fmt(result.rate) });
      // contour lines of J = ½ xᵀAx: ellipses with semi-axes sqrt(2c/λ) along the eigenvectors
      const levels = [0.02, 0.1, 0.3, 0.7, 1.5, 3, 6, 12.5];
      if (contours.attr("data-kappa") !== String(result.settings.kappa)) drawContours(levels);
      map.axes();
      map.line("path", result.params, "mx-c1 mx-path");
      const n = result.params.length;
      lossChart.x.domain([0, Math.max(10, result.settings.steps)]);
      lossChart.y.domain([1e-16, Math.max(100, d3.max(result.loss) || 1)]);
      lossChart.axes();
      lossChart.line("loss", ui.series(result.loss.slice(0, n), 1e-16), "mx-c1");
    }

    function drawContours(levels) {
      contours.attr("data-kappa", String(result.settings.kappa));
      const sx = map.x(1) - map.x(0), sy = map.y(0) - map.y(1);
      contours.selectAll("ellipse").data(levels).join("ellipse")
        .attr("class", "mx-contour")
        .attr("cx", map.x(0)).attr("cy", map.y(0))
        .attr("rx", (c) => Math.sqrt(2 * c / result.eigenvalues[0]) * sx)
        .attr("ry", (c) => Math.sqrt(2 * c / result.eigenvalues[1]) * sy)
        .attr("transform", `rotate(${-ANGLE * 180 / Math.PI} ${map.x(0)} ${map.y(0)})`);
    }

    recompute();
    const api = ui.api(controls, recompute, () => Object.assign(JSON.parse(JSON.stringify(result)), { ms: lastMs }));
    api.tuning = (method, kappa) => tuning(method, 1.0, kappa);
    return api;
  });
})(window);
