/* Explorer "region" (chapter 5): where the heavy ball converges. The (ηλ, γ) plane as a heat map
 * of the spectral radius (momentum.theory.spectral_radius with λ = 1) with the analytic
 * boundaries ηλ = 2(1 + γ) and (1 ± √γ)²; a point to drag (or move with the sliders) whose two
 * characteristic roots are drawn in the complex plane with the circle |r| = √γ, and its
 * trajectory on J = ½θ² (Parabola(1.0), θ₀ = 1) beside.
 * Controls: eta_lambda (ηλ), momentum (γ). read(): settings, roots [[re, im], [re, im]],
 * spectral_radius, regime, params, velocity, diverged_at, steps_to (|θ| <= 1e-6).
 */
(function (global) {
  "use strict";
  const core = global.momentumCore, ui = global.momentumUI, d3 = global.d3;
  const STEPS = 100, TOL = 1e-6, X_MAX = 4.2, G_MAX = 0.99;

  ui.register("region", function mount(root) {
    const panel = ui.el("div", { class: "mx-controls" }, root);
    const update = () => recompute();
    const controls = {
      eta_lambda: ui.slider(panel, { name: "eta_lambda", label: "ηλ", min: 0.01, max: X_MAX, step: 0.01, value: 0.2 }, update),
      momentum: ui.slider(panel, { name: "momentum", label: "momentum γ", min: 0, max: G_MAX, step: 0.01, value: 0.9 }, update),
    };
    const summary = ui.el("p", { class: "mx-summary", "aria-live": "polite" }, root);
    const plots = ui.el("div", { class: "mx-plots" }, root);
    const plane = ui.chart(plots, { title: "spectral radius over (ηλ, γ): drag the point", xLabel: "ηλ",
      yLabel: "momentum γ", width: 420, height: 320 });
    const roots = ui.chart(plots, { title: "characteristic roots", xLabel: "Re r", yLabel: "Im r",
      width: 320, height: 320 });
    const path = ui.chart(plots, { title: "θ_t on J = ½θ², θ₀ = 1", xLabel: "step t", yLabel: "θ_t",
      width: 420, height: 260 });
    ui.legend(root, [["mx-c3", "stability edge ηλ = 2(1 + γ)"], ["mx-c4", "(1 ± √γ)²: complex roots between"],
      ["mx-sqrt", "circle |r| = √γ (complex roots lie on it)"]]);
    let result = null;

    // the heat map: one pixel per grid cell, drawn once
    plane.x.domain([0, X_MAX]); plane.y.domain([0, G_MAX]);
    const nx = 210, ny = 100, canvas = document.createElement("canvas");
    canvas.width = nx; canvas.height = ny;
    const context = canvas.getContext("2d"), image = context.createImageData(nx, ny);
    const palette = d3.range(256).map((k) => d3.color(ui.viridis(k / 255)).rgb());
    for (let j = 0; j < ny; j++) {
      const gamma = G_MAX * (ny - 1 - j) / (ny - 1);
      for (let i = 0; i < nx; i++) {
        const h = 0.02 + (X_MAX - 0.02) * i / (nx - 1);
        const colour = palette[Math.round(255 * Math.min(core.spectralRadius(h, gamma, 1.0), 1.05) / 1.05)];
        image.data.set([colour.r, colour.g, colour.b, 255], 4 * (j * nx + i));
      }
    }
    context.putImageData(image, 0, 0);
    const m = plane.margin;
    plane.plot.append("image").attr("href", canvas.toDataURL()).attr("preserveAspectRatio", "none")
      .attr("x", m.left).attr("y", m.top).attr("width", plane.width - m.left - m.right)
      .attr("height", plane.height - m.top - m.bottom);
    const gammas = d3.range(0, G_MAX + 1e-9, 0.01);
    plane.line("edge", gammas.map((g) => [2 * (1 + g), g]), "mx-c3 mx-boundary");
    plane.line("low", gammas.map((g) => [(1 - Math.sqrt(g)) ** 2, g]), "mx-c4 mx-boundary");
    plane.line("high", gammas.map((g) => [(1 + Math.sqrt(g)) ** 2, g]), "mx-c4 mx-boundary");
    plane.axes();
    const point = plane.plot.append("circle").attr("class", "mx-point").attr("r", 7);
    plane.svg.style("touch-action", "none");
    const drag = (event) => {
      const [px, py] = d3.pointer(event, plane.svg.node());
      const h = Math.min(X_MAX, Math.max(0.01, plane.x.invert(px)));
      const g = Math.min(G_MAX, Math.max(0, plane.y.invert(py)));
      controls.eta_lambda.set(Number(h.toFixed(3))); controls.momentum.set(Number(g.toFixed(3)));
      recompute();
    };
    plane.svg.on("pointerdown", (event) => { plane.svg.node().setPointerCapture(event.pointerId); drag(event); });
    plane.svg.on("pointermove", (event) => { if (event.buttons) drag(event); });

    roots.x.domain([-1.6, 1.6]); roots.y.domain([-1.6, 1.6]);
    roots.axes();
    const circle = (r, n = 120) => d3.range(n + 1).map((k) => [r * Math.cos(2 * Math.PI * k / n), r * Math.sin(2 * Math.PI * k / n)]);
    roots.line("unit", circle(1), "mx-zero");
    const rootMarks = roots.plot.append("g");

    function recompute() {
      const h = controls.eta_lambda.value, gamma = controls.momentum.value;
      const traj = core.run(core.heavyBall(h, gamma), core.parabola(1.0), [1.0], STEPS);
      const stepsNeeded = core.stepsTo(traj, TOL);
      result = {
        settings: { eta_lambda: h, momentum: gamma, lr: h, eigenvalue: 1.0, x0: 1.0, steps: STEPS, tol: TOL },
        roots: core.characteristicRoots(h, gamma, 1.0), spectral_radius: core.spectralRadius(h, gamma, 1.0),
        regime: core.regime(h, gamma, 1.0), params: traj.params.map((p) => p[0]),
        velocity: traj.velocity.map((v) => v[0]), diverged_at: traj.diverged_at, steps_to: stepsNeeded,
        status: core.status(traj, stepsNeeded, "|θ| ≤ 10⁻⁶"),
      };
      draw();
    }

    function draw() {
      const s = result.settings;
      summary.textContent = ui.t("ηλ = {h}, γ = {gamma}: spectral radius {rate}, {regime}; {status}.", {
        h: ui.fmt(s.eta_lambda), gamma: ui.fmt(s.momentum), rate: ui.fmt(result.spectral_radius),
        regime: ui.t(result.regime), status: ui.t(result.status) });
      point.attr("cx", plane.x(s.eta_lambda)).attr("cy", plane.y(s.momentum));
      roots.line("sqrt-gamma", circle(Math.sqrt(s.momentum)), "mx-sqrt");
      rootMarks.selectAll("circle").data(result.roots).join("circle").attr("class", "mx-root").attr("r", 5)
        .attr("cx", (r) => roots.x(Math.max(-1.6, Math.min(1.6, r[0]))))
        .attr("cy", (r) => roots.y(Math.max(-1.6, Math.min(1.6, r[1]))));
      path.x.domain([0, STEPS]);
      path.y.domain([-1.2, 1.2]);
      path.axes();
      path.line("zero", [[0, 0], [STEPS, 0]], "mx-zero");
      path.line("theta", ui.series(result.params).map(([t, v]) => [t, Math.max(-1e3, Math.min(1e3, v))]), "mx-c1");
    }

    recompute();
    return ui.api(controls, recompute, () => JSON.parse(JSON.stringify(result)));
  });
})(window);
