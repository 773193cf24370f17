/* What the explorers share besides the numbers (core.js): labelled controls, charts drawn
 * with d3 (served by the site: assets/site/d3), number formats, a colour map, and the
 * loader that mounts every <div class="momentum-explorer" data-explorer="NAME"> of the
 * page with the module registered as window.momentumExplorerModules[NAME].
 */
(function (global) {
  "use strict";
  const d3 = global.d3;
  let counter = 0;

  function el(tag, attrs, parent) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value; else node.setAttribute(key, value);
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
    el("label", { for: id, text: spec.label }, row);
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
    el("label", { for: id, text: spec.label }, row);
    const input = el("select", { id: id, "data-control": spec.name }, row);
    for (const option of spec.options) el("option", { value: option, text: option }, input);
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
    const node = el("button", { type: "button", class: "mx-button", text: text }, parent);
    node.addEventListener("click", onClick);
    return node;
  }

  // An SVG chart that scales with its container (viewBox), with axes and labels.
  function chart(parent, spec) {
    const width = spec.width || 420, height = spec.height || 280;
    const m = Object.assign({ top: 28, right: 14, bottom: 46, left: 62 }, spec.margin || {});
    const svg = d3.select(parent).append("svg")
      .attr("viewBox", `0 0 ${width} ${height}`).attr("class", "mx-chart")
      .attr("role", "img").attr("aria-label", spec.title);
    svg.append("text").attr("class", "mx-title").attr("x", width / 2).attr("y", 18)
      .attr("text-anchor", "middle").text(spec.title);
    const x = (spec.xLog ? d3.scaleLog() : d3.scaleLinear()).range([m.left, width - m.right]);
    const y = (spec.yLog ? d3.scaleLog() : d3.scaleLinear()).range([height - m.bottom, m.top]);
    const xAxis = svg.append("g").attr("class", "mx-axis").attr("transform", `translate(0,${height - m.bottom})`);
    const yAxis = svg.append("g").attr("class", "mx-axis").attr("transform", `translate(${m.left},0)`);
    svg.append("text").attr("class", "mx-label").attr("x", (m.left + width - m.right) / 2).attr("y", height - 6)
      .attr("text-anchor", "middle").text(spec.xLabel || "");
    svg.append("text").attr("class", "mx-label").attr("transform", `translate(16,${(m.top + height - m.bottom) / 2}) rotate(-90)`)
      .attr("text-anchor", "middle").text(spec.yLabel || "");
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
      item.appendChild(document.createTextNode(text));
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
  global.momentumUI = { el, fmt, slider, select, button, chart, series, viridis, legend, api, register, mountAll };
  if (document.readyState === "complete") start();
  else {
    document.addEventListener("DOMContentLoaded", start);
    global.addEventListener("load", start);
  }
})(window);
