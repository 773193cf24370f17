/* What the explorers share besides the numbers (core.js): labelled controls, charts drawn
 * with d3 (served by the site: assets/site/d3), number formats, a colour map, and the
 * loader that mounts every <div class="momentum-explorer" data-explorer="NAME"> of the
 * page with the module registered as window.momentumExplorerModules[NAME]. On the Chinese
 * edition's pages (<html lang="zh-CN">) t() translates every label these helpers draw and
 * the modules' summaries (tests/browser/test_explorers_zh.py).
 */
(function (global) {
  "use strict";
  const d3 = global.d3;
  let counter = 0;

  // The Chinese edition (<html lang="zh-CN">): every visible label goes through t(), which
  // returns the English text unchanged on English pages. read() data (status, regime,
  // method) stays English on every page: only what is shown is translated.
  const ZH = {
    // controls and buttons
    "learning rate η": "学习率 η", "momentum γ": "动量 γ", "start θ₀": "起点 θ₀",
    "condition number κ": "条件数 κ", "method": "方法", "steps": "步数",
    "learning rate η (α for EMA)": "学习率 η（EMA：α）", "momentum γ (β for EMA)": "动量 γ（EMA：β）",
    "spread κ = L/μ": "特征值跨度 κ = L/μ", "η, gradient descent": "η，梯度下降", "η, heavy ball": "η，重球法",
    "γ, heavy ball": "γ，重球法", "critical damping": "临界阻尼", "seed's setting": "初始设置",
    "optimal tuning": "最优调参",
    // methods and regimes (momentum.theory.REGIMES)
    "gradient descent": "梯度下降", "heavy ball": "重球法", "EMA momentum": "EMA 动量", "Nesterov": "Nesterov 加速梯度",
    "over-damped": "过阻尼", "critically damped": "临界阻尼", "under-damped": "欠阻尼", "divergent": "发散",
    // charts, legends, tables
    "step t": "步数 t", "|θ_t| on a log scale": "|θ_t|（对数坐标）",
    "heavy ball (η, γ)": "重球法 (η, γ)", "gradient descent (η, γ = 0)": "梯度下降 (η, γ = 0)",
    "The first steps of the heavy ball (v₀ = 0)": "重球法的前几步（v₀ = 0）",
    "path over the contour lines of J": "J 的等高线上的路径", "loss J(x_t) on a log scale": "损失 J(x_t)（对数坐标）",
    "spectral radius over (ηλ, γ): drag the point": "(ηλ, γ) 平面上的谱半径：拖动该点",
    "characteristic roots": "特征根", "θ_t on J = ½θ², θ₀ = 1": "J = ½θ² 上的 θ_t，θ₀ = 1",
    "stability edge ηλ = 2(1 + γ)": "稳定边界 ηλ = 2(1 + γ)",
    "(1 ± √γ)²: complex roots between": "(1 ± √γ)²：两线之间为复根",
    "circle |r| = √γ (complex roots lie on it)": "圆 |r| = √γ（复根落在圆上）",
    "gradient descent: |y_t,i / y_0,i|": "梯度下降：|y_t,i / y_0,i|", "heavy ball: |y_t,i / y_0,i|": "重球法：|y_t,i / y_0,i|",
    "share left": "剩余占比", "eigenvalue λ: ": "特征值 λ：", "Factor per step in each direction": "各方向的每步因子",
    "GD |1 − ηλ|": "梯度下降 |1 − ηλ|", "heavy ball ρ": "重球法 ρ", "heavy ball regime": "重球法阻尼状态",
    // tolerances inside the status phrases
    "10⁻⁶": "误差 ≤ 10⁻⁶", "10⁻⁶ of the start": "‖x_t‖ ≤ 10⁻⁶ ‖x₀‖",
    // the live summaries ({name}: a value filled in after translation)
    "Heavy ball: {hb}; factor per step (spectral radius) {hbRate}, {regime}. Gradient descent: {gd}; factor {gdRate}.":
      "重球法：{hb}；每步因子（谱半径）{hbRate}，{regime}。梯度下降：{gd}；每步因子 {gdRate}。",
    "{method}: {status}; worst factor per step {rate}.": "{method}：{status}；收敛速率（最差的每步因子）{rate}。",
    "ηλ = {h}, γ = {gamma}: spectral radius {rate}, {regime}; {status}.": "ηλ = {h}，γ = {gamma}：谱半径 {rate}，{regime}；{status}。",
    "Gradient descent: {gd}, worst factor {gdRate}. Heavy ball: {hb}, worst factor {hbRate}.":
      "梯度下降：{gd}，最差的每步因子 {gdRate}。重球法：{hb}，最差的每步因子 {hbRate}。",
  };
  const CJK_START = /^[\u4e00-\u9fff]/;
  // core.status()'s phrases, which carry numbers
  const ZH_RULES = [
    [/^(\d+) steps to (.+)$/, (_, n, tol) => { const x = t(tol); return `${n} 步达到${CJK_START.test(x) ? "" : " "}${x}`; }],
    [/^not within (\d+) steps$/, (_, n) => `${n} 步内未达到`],
    [/^diverged at step (\d+)$/, (_, n) => `在第 ${n} 步发散`],
  ];

  function chinese() { return /^zh/i.test(document.documentElement.lang || ""); }

  // The page's text for an English label; `values` fill its {name} slots (after translation).
  function t(text, values) {
    let out = text;
    if (chinese()) {
      if (Object.prototype.hasOwnProperty.call(ZH, text)) out = ZH[text];
      else for (const [pattern, replace] of ZH_RULES) if (pattern.test(text)) { out = text.replace(pattern, replace); break; }
    }
    return values ? out.replace(/\{(\w+)\}/g, (slot, name) => (name in values ? String(values[name]) : slot)) : out;
  }

  function el(tag, attrs, parent) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = t(value); else node.setAttribute(key, value);
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function fmt(value, digits) {
    if (!Number.isFinite(value)) return String(value);
    const a = Math.abs(value);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return value.toExponential(2);
    return String(Number(value.toFixed(digits === undefined ? 4 : digits)));
  }

  // A labelled <input type="range"> with its value shown beside it. `log`: the slider moves
  // log10 of the value. The value held is exact (set() does not round it to the step).
  function slider(parent, spec, onChange) {
    const id = `mx-${spec.name}-${++counter}`;
    const row = el("div", { class: "mx-control" }, parent);
    el("label", { for: id, text: t(spec.label) }, row);
    const input = el("input", { type: "range", id: id, min: spec.min, max: spec.max, step: spec.step,
      "data-control": spec.name }, row);
    const output = el("output", { for: id }, row);
    const toSlider = (v) => (spec.log ? Math.log10(v) : v);
    const fromSlider = (s) => (spec.log ? Number((10 ** s).toPrecision(4)) : s);
    const control = {
      name: spec.name, input: input, value: spec.value,
      set(v) {
        control.value = v;
        input.value = String(toSlider(v));
        output.textContent = (spec.format || fmt)(v);
        input.setAttribute("aria-valuetext", output.textContent);
      },
    };
    input.addEventListener("input", () => {
      control.set(fromSlider(Number(input.value)));
      onChange();
    });
    control.set(spec.value);
    return control;
  }

  function select(parent, spec, onChange) {
    const id = `mx-${spec.name}-${++counter}`;
    const row = el("div", { class: "mx-control" }, parent);
    el("label", { for: id, text: t(spec.label) }, row);
    const input = el("select", { id: id, "data-control": spec.name }, row);
    for (const option of spec.options) el("option", { value: option, text: t(option) }, input);
    const control = {
      name: spec.name, input: input, value: spec.value,
      set(v) {
        if (!spec.options.includes(v)) throw new Error(`${spec.name} must be one of ${spec.options.join(", ")}; got ${v}`);
        control.value = v; input.value = v;
      },
    };
    input.addEventListener("change", () => { control.value = input.value; onChange(); });
    control.set(spec.value);
    return control;
  }

  function button(parent, text, onClick) {
    const node = el("button", { type: "button", class: "mx-button", text: t(text) }, parent);
    node.addEventListener("click", onClick);
    return node;
  }

  // An SVG chart that scales with its container (viewBox), with axes and labels.
  function chart(parent, spec) {
    const width = spec.width || 420, height = spec.height || 280;
    const m = Object.assign({ top: 28, right: 14, bottom: 46, left: 62 }, spec.margin || {});
    const svg = d3.select(parent).append("svg")
      .attr("viewBox", `0 0 ${width} ${height}`).attr("class", "mx-chart")
      .attr("role", "img").attr("aria-label", t(spec.title));
    svg.append("text").attr("class", "mx-title").attr("x", width / 2).attr("y", 18)
      .attr("text-anchor", "middle").text(t(spec.title));
    const x = (spec.xLog ? d3.scaleLog() : d3.scaleLinear()).range([m.left, width - m.right]);
    const y = (spec.yLog ? d3.scaleLog() : d3.scaleLinear()).range([height - m.bottom, m.top]);
    const xAxis = svg.append("g").attr("class", "mx-axis").attr("transform", `translate(0,${height - m.bottom})`);
    const yAxis = svg.append("g").attr("class", "mx-axis").attr("transform", `translate(${m.left},0)`);
    svg.append("text").attr("class", "mx-label").attr("x", (m.left + width - m.right) / 2).attr("y", height - 6)
      .attr("text-anchor", "middle").text(t(spec.xLabel || ""));
    svg.append("text").attr("class", "mx-label").attr("transform", `translate(16,${(m.top + height - m.bottom) / 2}) rotate(-90)`)
      .attr("text-anchor", "middle").text(t(spec.yLabel || ""));
    const clipId = `mx-clip-${++counter}`;
    svg.append("clipPath").attr("id", clipId).append("rect")
      .attr("x", m.left).attr("y", m.top).attr("width", width - m.left - m.right).attr("height", height - m.top - m.bottom);
    const plot = svg.append("g").attr("clip-path", `url(#${clipId})`);
    const yTicks = 5;
    let drawn = "";
    return {
      svg: svg, plot: plot, x: x, y: y, width: width, height: height, margin: m,
      axes() { // redrawn only when a domain changed
        const key = `${x.domain()}|${y.domain()}`;
        if (key === drawn) return;
        drawn = key;
        xAxis.call(d3.axisBottom(x).ticks(spec.xTicks || 6, spec.xLog ? "~e" : undefined));
        yAxis.call(spec.yLog ? d3.axisLeft(y).ticks(yTicks, "~e") : d3.axisLeft(y).ticks(yTicks));
      },
      // one <path> per key, created once and updated on every redraw
      line(key, points, cls) {
        let path = plot.select(`path[data-key="${key}"]`);
        if (path.empty()) path = plot.append("path").attr("data-key", key).attr("class", `mx-line ${cls || ""}`);
        // pixel coordinates clipped to ±1e5: SVG parses them as float32 (a diverging path would overflow)
        const clip = (v) => Math.max(-1e5, Math.min(1e5, v));
        path.attr("d", d3.line().x((p) => clip(x(p[0]))).y((p) => clip(y(p[1])))(points));
        return path;
      },
    };
  }

  // Points [t, value] of a series, with values clipped for a log axis (|v| >= floor).
  function series(values, floor) {
    const points = [];
    for (let t = 0; t < values.length; t++) {
      const v = values[t];
      if (!Number.isFinite(v)) break;
      points.push([t, floor === undefined ? v : Math.max(Math.abs(v), floor)]);
    }
    return points;
  }

  // viridis, sampled at 9 stops (matplotlib's colour map, which the book's figures use)
  const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];
  function viridis(s) {
    s = Math.min(1, Math.max(0, s));
    const i = Math.min(VIRIDIS.length - 2, Math.floor(s * (VIRIDIS.length - 1)));
    return d3.interpolateRgb(VIRIDIS[i], VIRIDIS[i + 1])(s * (VIRIDIS.length - 1) - i);
  }

  function legend(parent, items) {
    const box = el("div", { class: "mx-legend" }, parent);
    for (const [cls, text] of items) {
      const item = el("span", { class: "mx-legend-item" }, box);
      el("span", { class: `mx-swatch ${cls}`, "aria-hidden": "true" }, item);
      item.appendChild(document.createTextNode(t(text)));
    }
    return box;
  }

  // The API every explorer exposes: set() takes exact values for named controls.
  function api(controls, recompute, read) {
    return {
      controls: Object.keys(controls),
      set(values) {
        for (const [name, value] of Object.entries(values)) {
          if (!(name in controls)) throw new Error(`unknown control ${name}; known: ${Object.keys(controls).join(", ")}`);
          controls[name].set(value);
        }
        recompute();
        return read();
      },
      read: read,
    };
  }

  // Mount the explorers once the page is parsed and every deferred script has run
  // (DOMContentLoaded); a module registered later (loaded after that) mounts at once.
  let domReady = false;
  function register(name, mount) {
    global.momentumExplorerModules[name] = mount;
    if (domReady) mountAll();
  }

  function mountAll() {
    for (const root of document.querySelectorAll(".momentum-explorer[data-explorer]")) {
      const name = root.dataset.explorer, mount = global.momentumExplorerModules[name];
      if (!mount || root.dataset.ready) continue;
      root.textContent = "";
      global.momentumExplorers[name] = mount(root);
      root.dataset.ready = "true";
    }
  }

  function start() { domReady = true; mountAll(); }
  global.momentumUI = { t, el, fmt, slider, select, button, chart, series, viridis, legend, api, register, mountAll };
  if (document.readyState === "complete") start();
  else {
    document.addEventListener("DOMContentLoaded", start);
    global.addEventListener("load", start);
  }
})(window);
