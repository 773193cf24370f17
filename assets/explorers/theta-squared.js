/* Explorer "theta-squared" (chapter 4): the heavy ball on J(θ) = θ² (momentum.problems.Parabola(),
 * curvature 2) against gradient descent at the same η. Controls: lr (η), momentum (γ), x0 (θ₀).
 * read(): settings; heavy_ball / gradient_descent {params, velocity, gradients, diverged_at,
 * steps_to (|θ| <= 1e-6), spectral_radius, regime}; table rows [t, g_t, v_t, θ_t] (t = 0..12).
 */
(function (global) {
  "use strict";
  const core = global.momentumCore, ui = global.momentumUI;
  const STEPS = 400, TOL = 1e-6, ROWS = 13, CURVATURE = 2.0;

  ui.register("theta-squared", function mount(root) {
    const problem = core.parabola(CURVATURE);
    const panel = ui.el("div", { class: "mx-controls" }, root);
    const update = () => recompute();
    const controls = {
      lr: ui.slider(panel, { name: "lr", label: "learning rate η", min: 0.005, max: 1.2, step: 0.005, value: 0.1 }, update),
      momentum: ui.slider(panel, { name: "momentum", label: "momentum γ", min: 0, max: 0.99, step: 0.01, value: 0.9 }, update),
      x0: ui.slider(panel, { name: "x0", label: "start θ₀", min: -10, max: 10, step: 0.5, value: 5 }, update),
    };
    ui.button(panel, "critical damping", () => {
      const lr = controls.lr.value;
      if (lr * CURVATURE <= 1) { controls.momentum.set(core.criticalMomentum(lr, CURVATURE)); recompute(); }
    });
    ui.button(panel, "seed's setting", () => {
      controls.lr.set(0.1); controls.momentum.set(0.9); controls.x0.set(5); recompute();
    });
    const summary = ui.el("p", { class: "mx-summary", "aria-live": "polite" }, root);
    const plots = ui.el("div", { class: "mx-plots" }, root);
    const top = ui.chart(plots, { title: "θ_t", xLabel: "step t", yLabel: "θ_t" });
    const bottom = ui.chart(plots, { title: "|θ_t| on a log scale", xLabel: "step t", yLabel: "|θ_t|", yLog: true });
    ui.legend(root, [["mx-c1", "heavy ball (η, γ)"], ["mx-c2", "gradient descent (η, γ = 0)"]]);
    const tableBox = ui.el("div", { class: "mx-table-box" }, root);
    const table = ui.el("table", { class: "mx-table" }, tableBox);
    ui.el("caption", { text: "The first steps of the heavy ball (v₀ = 0)" }, table);
    const head = ui.el("tr", {}, ui.el("thead", {}, table));
    for (const name of ["t", "g_t", "v_t", "θ_t"]) ui.el("th", { scope: "col", text: name }, head);
    const body = ui.el("tbody", {}, table);
    let result = null;

    function describe(optimizer, momentum) {
      const traj = core.run(optimizer, problem, [controls.x0.value], STEPS);
      const lr = controls.lr.value;
      return {
        params: traj.params.map((p) => p[0]), velocity: traj.velocity.map((v) => v[0]),
        gradients: traj.gradients.map((g) => g[0]), diverged_at: traj.diverged_at,
        steps_to: core.stepsTo(traj, TOL),
        spectral_radius: core.spectralRadius(lr, momentum, CURVATURE),
        regime: core.regime(lr, momentum, CURVATURE),
        status: core.status(traj, core.stepsTo(traj, TOL), "|θ| ≤ 10⁻⁶"),
      };
    }

    function recompute() {
      const lr = controls.lr.value, gamma = controls.momentum.value;
      const hb = describe(core.heavyBall(lr, gamma), gamma);
      const gd = describe(core.gradientDescent(lr), 0.0);
      const rows = [];
      for (let t = 0; t < Math.min(ROWS, hb.params.length); t++) {
        rows.push([t, CURVATURE * hb.params[t], hb.velocity[t], hb.params[t]]); // g_t = ∇J(θ_t) = 2θ_t
      }
      result = { settings: { lr: lr, momentum: gamma, x0: controls.x0.value, curvature: CURVATURE, steps: STEPS, tol: TOL },
        heavy_ball: hb, gradient_descent: gd, table: rows };
      draw();
    }

    function draw() {
      const { heavy_ball: hb, gradient_descent: gd, table: rows } = result;
      summary.textContent = ui.t("Heavy ball: {hb}; factor per step (spectral radius) {hbRate}, {regime}. "
        + "Gradient descent: {gd}; factor {gdRate}.", { hb: ui.t(hb.status), hbRate: ui.fmt(hb.spectral_radius),
        regime: ui.t(hb.regime), gd: ui.t(gd.status), gdRate: ui.fmt(gd.spectral_radius) });
      const x0 = Math.abs(controls.x0.value) || 1;
      const shortRun = 60;
      top.x.domain([0, shortRun]);
      top.y.domain([-1.2 * x0, 1.2 * x0]);
      top.axes();
      top.line("zero", [[0, 0], [shortRun, 0]], "mx-zero");
      top.line("gd", ui.series(gd.params.slice(0, shortRun + 1)), "mx-c2");
      top.line("hb", ui.series(hb.params.slice(0, shortRun + 1)), "mx-c1");
      const needed = Math.max(hb.steps_to, gd.steps_to);
      const longRun = Math.min(STEPS, Math.max(200, needed + 10));
      bottom.x.domain([0, longRun]);
      bottom.y.domain([1e-12, 20 * x0]);
      bottom.axes();
      bottom.line("tol", [[0, TOL], [longRun, TOL]], "mx-zero");
      bottom.line("gd", ui.series(gd.params.slice(0, longRun + 1), 1e-12), "mx-c2");
      bottom.line("hb", ui.series(hb.params.slice(0, longRun + 1), 1e-12), "mx-c1");
      body.textContent = "";
      for (const row of rows) {
        const tr = ui.el("tr", {}, body);
        ui.el("td", { text: String(row[0]) }, tr);
        for (const value of row.slice(1)) ui.el("td", { text: String(Number(value.toFixed(4))) }, tr);
      }
      if (hb.diverged_at >= 0 && rows.length < ROWS) {
        ui.el("td", { colspan: 4, text: `diverged at step ${hb.diverged_at}` }, ui.el("tr", {}, body));
      }
    }

    recompute();
    return ui.api(controls, recompute, () => JSON.parse(JSON.stringify(result)));
  });
})(window);
