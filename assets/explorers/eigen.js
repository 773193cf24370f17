/* Explorer "eigen" (chapter 5): the error in each eigen-direction of a quadratic whose ten
 * eigenvalues are spread geometrically over [1, κ], for gradient descent against the heavy ball.
 * On the diagonal quadratic (Quadratic.from_eigenvalues(λ)) from x₀ = (1, …, 1) to x* = 0,
 * coordinate i of x_t is the error y_{t,i} in direction i (rotating the problem changes nothing
 * per direction). Controls: kappa, lr_gd (η of gradient descent), lr (η of the heavy ball),
 * momentum (γ); "optimal tuning" sets tune_gradient_descent and tune_heavy_ball.
 * read(): settings, eigenvalues, gradient_descent / heavy_ball {params, diverged_at, steps_to
 * (‖x_t‖ <= 1e-6 ‖x₀‖), spectral_radius and regime per eigenvalue}.
 */
(function (global) {
  "use strict";
  const core = global.momentumCore, ui = global.momentumUI;
  const N = 10, STEPS = 1000, SHOWN = 150;

  // np.geomspace(1, κ, N): 10^(k log10(κ)/(N−1)), with the end points exact
  function spectrum(kappa) {
    const top = Math.log10(kappa);
    return Array.from({ length: N }, (_, k) => (k === 0 ? 1 : k === N - 1 ? kappa : 10 ** (top * k / (N - 1))));
  }

  ui.register("eigen", function mount(root) {
    const panel = ui.el("div", { class: "mx-controls" }, root);
    const update = () => recompute();
    const gd0 = core.tuneGradientDescent(1, 100), hb0 = core.tuneHeavyBall(1, 100);
    const controls = {
      kappa: ui.slider(panel, { name: "kappa", label: "spread κ = L/μ", min: 0, max: 3, step: 0.01, log: true,
        value: 100, format: (v) => ui.fmt(v, 1) }, update),
      lr_gd: ui.slider(panel, { name: "lr_gd", label: "η, gradient descent", min: -4, max: 0.5, step: 0.01, log: true,
        value: gd0.lr }, update),
      lr: ui.slider(panel, { name: "lr", label: "η, heavy ball", min: -4, max: 0.5, step: 0.01, log: true,
        value: hb0.lr }, update),
      momentum: ui.slider(panel, { name: "momentum", label: "γ, heavy ball", min: 0, max: 0.99, step: 0.01,
        value: hb0.momentum }, update),
    };
    ui.button(panel, "optimal tuning", () => {
      const kappa = controls.kappa.value;
      const gd = core.tuneGradientDescent(1.0, kappa), hb = core.tuneHeavyBall(1.0, kappa);
      controls.lr_gd.set(gd.lr); controls.lr.set(hb.lr); controls.momentum.set(hb.momentum); recompute();
    });
    const summary = ui.el("p", { class: "mx-summary", "aria-live": "polite" }, root);
    const plots = ui.el("div", { class: "mx-plots" }, root);
    const charts = {
      gradient_descent: ui.chart(plots, { title: "gradient descent: |y_t,i / y_0,i|", xLabel: "step t",
        yLabel: "share left", yLog: true, width: 420, height: 280 }),
      heavy_ball: ui.chart(plots, { title: "heavy ball: |y_t,i / y_0,i|", xLabel: "step t",
        yLabel: "share left", yLog: true, width: 420, height: 280 }),
    };
    const key = ui.el("div", { class: "mx-legend" }, root);
    const tableBox = ui.el("div", { class: "mx-table-box" }, root);
    let result = null;

    function describe(optimizer, eigenvalues, tol) {
      const problem = core.quadraticFromEigenvalues(eigenvalues);
      const traj = core.run(optimizer, problem, new Array(N).fill(1.0), STEPS);
      const k = optimizer.canonical;
      const stepsNeeded = core.stepsTo(traj, tol);
      return {
        params: traj.params, diverged_at: traj.diverged_at, steps_to: stepsNeeded,
        spectral_radius: eigenvalues.map((lam) => core.spectralRadius(k.lr, k.momentum, lam)),
        regime: eigenvalues.map((lam) => core.regime(k.lr, k.momentum, lam)),
        status: core.status(traj, stepsNeeded, "10⁻⁶ of the start"),
      };
    }

    function recompute() {
      const kappa = controls.kappa.value, eigenvalues = spectrum(kappa);
      const tol = 1e-6 * core.errors([new Array(N).fill(1.0)], new Array(N).fill(0))[0];
      result = {
        settings: { kappa: kappa, lr_gd: controls.lr_gd.value, lr: controls.lr.value, momentum: controls.momentum.value,
          steps: STEPS, tol: tol },
        eigenvalues: eigenvalues,
        gradient_descent: describe(core.gradientDescent(controls.lr_gd.value), eigenvalues, tol),
        heavy_ball: describe(core.heavyBall(controls.lr.value, controls.momentum.value), eigenvalues, tol),
      };
      draw();
    }

    function colour(i) {
      const lam = result.eigenvalues, span = Math.log(lam[N - 1] / lam[0]) || 1;
      return ui.viridis(Math.log(lam[i] / lam[0]) / span);
    }

    function draw() {
      const { gradient_descent: gd, heavy_ball: hb } = result;
      summary.textContent = ui.t("Gradient descent: {gd}, worst factor {gdRate}. Heavy ball: {hb}, worst factor {hbRate}.", {
        gd: ui.t(gd.status), gdRate: ui.fmt(Math.max(...gd.spectral_radius)),
        hb: ui.t(hb.status), hbRate: ui.fmt(Math.max(...hb.spectral_radius)) });
      for (const [name, chart] of Object.entries(charts)) {
        const params = result[name].params;
        chart.x.domain([0, SHOWN]); chart.y.domain([1e-12, 10]); chart.axes();
        for (let i = 0; i < N; i++) {
          const share = params.slice(0, SHOWN + 1).map((p) => p[i]);
          chart.line(`d${i}`, ui.series(share, 1e-16), "mx-direction").style("stroke", colour(i));
        }
      }
      key.textContent = "";
      ui.el("span", { text: "eigenvalue λ: " }, key);
      for (let i = 0; i < N; i++) {
        const item = ui.el("span", { class: "mx-legend-item" }, key);
        ui.el("span", { class: "mx-swatch", style: `background:${colour(i)}`, "aria-hidden": "true" }, item);
        item.appendChild(document.createTextNode(ui.fmt(result.eigenvalues[i], 2)));
      }
      tableBox.textContent = "";
      const table = ui.el("table", { class: "mx-table" }, tableBox);
      ui.el("caption", { text: "Factor per step in each direction" }, table);
      const head = ui.el("tr", {}, ui.el("thead", {}, table));
      for (const name of ["λ", "GD |1 − ηλ|", "heavy ball ρ", "heavy ball regime"]) ui.el("th", { scope: "col", text: name }, head);
      const body = ui.el("tbody", {}, table);
      for (let i = 0; i < N; i++) {
        const tr = ui.el("tr", {}, body);
        for (const text of [ui.fmt(result.eigenvalues[i], 2), ui.fmt(gd.spectral_radius[i]), ui.fmt(hb.spectral_radius[i]),
          hb.regime[i]]) ui.el("td", { text: text }, tr);
      }
    }

    recompute();
    return ui.api(controls, recompute, () => JSON.parse(JSON.stringify(result)));
  });
})(window);
