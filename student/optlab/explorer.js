/* optlab explorer: draws the interactive figures of optlab/explorer.py, in SVG, with no kernel
   and no library.

   A figure is a div of class "optlab-explorer" holding its data as JSON, in a script element
   of type "application/json" and class "optlab-explorer-data":
     controls  [{name, label, kind: "slider" | "choice", values: [shown text], initial: index}]
     panels    [{kind: "line" | "path", title, xlabel, ylabel, logy, legend, description,
                 xlim: [lo, hi], ylim: [lo, hi], series: [...]}]
     series    {label, color, dash, width, line, markers, start, depends: [control index],
                x | xr, y | yr}
     readout   {depends, texts: [one line per grid point]} or null
     resolution
   A series's x and y are one array for every setting of the controls; its xr and yr hold one
   array per grid point of the controls in depends, numbered row-major. Without x the points
   are at 0, 1, 2, ... An array holds each coordinate as the difference of its step from the
   one before, out of `resolution` steps across the panel's xlim or ylim (across their decades
   on a log axis); null is a point that cannot be drawn, and breaks the line.
   Moving a control redraws what depends on it; nothing is computed here but the drawing.

   This file is written into every figure's HTML. The global window.optlabExplorer makes it
   define itself once per page; each copy then mounts the figures not mounted yet.
*/
(function () {
  "use strict";
  if (!window.optlabExplorer) {
    const SVG = "http://www.w3.org/2000/svg";
    const WIDTH = 400, HEIGHT = 300;
    const BOX = { left: 62, right: WIDTH - 18, top: 30, bottom: HEIGHT - 44 };
    // Text sizes in viewBox units: a panel is at least 280 CSS px wide (the CSS below), so
    // no text is drawn smaller than 13 * 280 / 400 = 9.1 CSS px.
    const FONT = { tick: 13, label: 14, title: 15 };
    const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
    const STYLE = `
.optlab-explorer { background: #fff; color: #222; border: 1px solid #ddd; border-radius: 4px;
  padding: 8px; margin: 1em 0; font-family: system-ui, sans-serif; }
.optlab-explorer-controls { display: flex; flex-wrap: wrap; gap: 6px 24px; margin-bottom: 6px; }
.optlab-explorer-controls > div { display: flex; align-items: center; gap: 8px; }
.optlab-explorer-controls label, .optlab-explorer-controls output, .optlab-explorer-readout {
  font-size: 15px; }
.optlab-explorer-controls input[type=range] { width: 180px; max-width: 45vw; }
.optlab-explorer-controls output { font-variant-numeric: tabular-nums; min-width: 4em; }
.optlab-explorer-panels { display: flex; flex-wrap: wrap; gap: 8px; }
.optlab-explorer-panels > svg { flex: 1 1 300px; min-width: 280px; height: auto;
  max-width: max(calc(50% - 4px), min(100%, 420px)); }
.optlab-explorer-readout { margin: 6px 0 0; min-height: 2.6em; }`;
    let mounted = 0; // the figures mounted on this page, which make ids unique

    // A new element (SVG's unless namespace is null), with attributes and text, in parent.
    function make(tag, attributes, parent, text, namespace = SVG) {
      const node = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
      if (text !== undefined) node.textContent = text;
      if (parent) parent.appendChild(node);
      return node;
    }
    const makeHtml = (tag, attributes, parent, text) => make(tag, attributes, parent, text, null);

    // The coordinates an array of `encode` (explorer.py) stands for; null stays null.
    function decode(deltas, lim, log, resolution) {
      const low = log ? Math.log10(lim[0]) : lim[0], high = log ? Math.log10(lim[1]) : lim[1];
      let step = 0;
      return deltas.map((delta) => {
        if (delta === null) return null;
        step += delta;
        const value = low + (step * (high - low)) / resolution;
        return log ? Math.pow(10, value) : value;
      });
    }

    // The number of the current grid point of the controls `depends` (row-major, as Python).
    function gridPoint(depends, controls, positions) {
      return depends.reduce((n, c) => n * controls[c].values.length + positions[c], 0);
    }

    // The pixel of a data value; NaN where it cannot be drawn (null, or <= 0 on a log axis).
    function scale(lo, hi, log, from, to) {
      const f = log ? Math.log10 : (v) => v;
      const a = f(lo), b = f(hi);
      return (v) => (v === null ? NaN : from + ((f(v) - a) / (b - a)) * (to - from));
    }

    function linearTicks(lo, hi) {
      const span = hi - lo, magnitude = Math.pow(10, Math.floor(Math.log10(span / 5)));
      const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => span / s <= 6);
      const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
      const ticks = [];
      for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
        ticks.push({ value: k * step, text: (k * step).toFixed(decimals).replace(/^-(0\.?0*)$/, "$1") });
      }
      return ticks;
    }

    function logTicks(lo, hi) {
      const first = Math.ceil(Math.log10(lo) - 1e-9), last = Math.floor(Math.log10(hi) + 1e-9);
      const every = Math.max(1, Math.ceil((last - first + 1) / 6)), ticks = [];
      for (let e = Math.ceil(first / every) * every; e <= last; e += every) {
        ticks.push({ value: Math.pow(10, e), text: "10" + [...String(e)].map((c) => SUPERSCRIPT[c]).join("") });
      }
      return ticks;
    }

    // Pixels far off the plot (a diverging run) are pulled in, still far outside the clip.
    const clamp = (pixel) => Math.max(-1e5, Math.min(1e5, pixel));
    const drawable = ([x, y]) => isFinite(x) && isFinite(y);

    // An SVG path through the points, broken where a point cannot be drawn.
    function pathData(points) {
      let d = "", pen = false;
      for (const point of points) {
        if (!drawable(point)) { pen = false; continue; }
        d += (pen ? "L" : "M") + clamp(point[0]).toFixed(1) + " " + clamp(point[1]).toFixed(1);
        pen = true;
      }
      return d;
    }

    function star(x, y, r) {
      return Array.from({ length: 10 }, (_, k) => {
        const angle = -Math.PI / 2 + (k * Math.PI) / 5, radius = k % 2 ? r * 0.45 : r;
        return (x + radius * Math.cos(angle)).toFixed(1) + "," + (y + radius * Math.sin(angle)).toFixed(1);
      }).join(" ");
    }

    function drawMarkers(group, points, series) {
      group.replaceChildren();
      const shown = points.filter(drawable).map(([x, y]) => [clamp(x), clamp(y)]);
      for (const [x, y] of series.markers ? shown : []) {
        if (series.markers === "star") {
          make("polygon", { points: star(x, y, 9), fill: series.color, stroke: "#fff", "stroke-width": 0.8 }, group);
        } else {
          make("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: series.markers === "dot" ? 2 : 5, fill: series.color }, group);
        }
      }
      if (series.start && shown.length) {
        make("circle", { cx: shown[0][0].toFixed(1), cy: shown[0][1].toFixed(1), r: 5, fill: series.color }, group);
      }
    }

    function drawAxes(svg, panel, sx, sy, xlim, ylim) {
      const axes = make("g", { "font-size": FONT.tick, fill: "#222" }, svg);
      for (const tick of panel.logy ? logTicks(...ylim) : linearTicks(...ylim)) {
        const y = sy(tick.value).toFixed(1);
        make("line", { x1: BOX.left, x2: BOX.right, y1: y, y2: y, stroke: "#e4e4e4" }, axes);
        make("text", { x: BOX.left - 5, y: y, "text-anchor": "end", "dominant-baseline": "middle" }, axes, tick.text);
      }
      for (const tick of linearTicks(...xlim)) {
        const x = sx(tick.value).toFixed(1);
        make("line", { x1: x, x2: x, y1: BOX.top, y2: BOX.bottom, stroke: "#e4e4e4" }, axes);
        make("text", { x: x, y: BOX.bottom + 16, "text-anchor": "middle" }, axes, tick.text);
      }
      make("rect", { x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top, fill: "none", stroke: "#888" }, axes);
      make("text", { x: (BOX.left + BOX.right) / 2, y: HEIGHT - 8, "text-anchor": "middle", "font-size": FONT.label }, axes, panel.xlabel);
      make("text", { transform: `translate(16 ${(BOX.top + BOX.bottom) / 2}) rotate(-90)`, "text-anchor": "middle", "font-size": FONT.label }, axes, panel.ylabel);
      make("text", { x: WIDTH / 2, y: 19, "text-anchor": "middle", "font-size": FONT.title, "font-weight": 600 }, axes, panel.title);
    }

    function drawLegend(svg, panel) {
      const entries = panel.series.filter((s) => s.label);
      if (!panel.legend || !entries.length) return;
      const row = 17, longest = Math.max(...entries.map((s) => s.label.length));
      const width = longest * FONT.tick * 0.56 + 38, height = entries.length * row + 6;
      const x0 = panel.legend.endsWith("right") ? BOX.right - width - 4 : BOX.left + 4;
      const y0 = panel.legend.startsWith("upper") ? BOX.top + 4 : BOX.bottom - height - 4;
      const legend = make("g", { "font-size": FONT.tick, fill: "#222" }, svg);
      make("rect", { x: x0, y: y0, width: width, height: height, fill: "#fff", "fill-opacity": 0.85, stroke: "#ddd" }, legend);
      entries.forEach((series, k) => {
        const y = y0 + 3 + row * (k + 0.5);
        if (series.line) {
          make("line", { x1: x0 + 6, x2: x0 + 28, y1: y, y2: y, stroke: series.color, "stroke-width": series.width, "stroke-dasharray": series.dash ? "5 3" : "none" }, legend);
        }
        if (series.markers || !series.line) {
          drawMarkers(make("g", {}, legend), [[x0 + 17, y]], { ...series, start: false, markers: series.markers || "dot" });
        }
        make("text", { x: x0 + 34, y: y, "dominant-baseline": "middle" }, legend, series.label);
      });
    }

    // One panel: its axes, static series and legend, drawn once; returns the function that
    // redraws the series that depend on the controls, at the controls' positions.
    function drawPanel(svg, panel, clipId, controls, resolution) {
      let xlim = panel.xlim, ylim = panel.ylim;
      if (panel.kind === "path") {
        // One unit as long on both axes: widen the range that is short for its side.
        const width = BOX.right - BOX.left, height = BOX.bottom - BOX.top;
        const perPixel = Math.max((xlim[1] - xlim[0]) / width, (ylim[1] - ylim[0]) / height);
        const widen = (lim, pixels) => [-1, 1].map((side) => (lim[0] + lim[1]) / 2 + (side * perPixel * pixels) / 2);
        xlim = widen(xlim, width);
        ylim = widen(ylim, height);
      }
      const sx = scale(xlim[0], xlim[1], false, BOX.left, BOX.right);
      const sy = scale(ylim[0], ylim[1], panel.logy, BOX.bottom, BOX.top);
      drawAxes(svg, panel, sx, sy, xlim, ylim);
      const clip = make("clipPath", { id: clipId }, make("defs", {}, svg));
      make("rect", { x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top }, clip);
      const plot = make("g", { "clip-path": `url(#${clipId})` }, svg);
      const updates = panel.series.map((series) => {
        const line = make("path", {
          fill: "none", stroke: series.line ? series.color : "none", "stroke-width": series.width,
          "stroke-linejoin": "round", "stroke-dasharray": series.dash ? "6 4" : "none",
        }, plot);
        const markers = make("g", {}, plot);
        const draw = (positions) => {
          const run = gridPoint(series.depends, controls, positions);
          const y = decode(series.yr ? series.yr[run] : series.y, panel.ylim, panel.logy, resolution);
          const xs = series.xr ? series.xr[run] : series.x;
          const x = xs ? decode(xs, panel.xlim, false, resolution) : null;
          const points = y.map((value, i) => [sx(x ? x[i] : i), sy(value)]);
          line.setAttribute("d", pathData(points));
          drawMarkers(markers, points, series);
        };
        if (series.depends.length) return draw;
        draw([]);
        return null;
      }).filter(Boolean);
      drawLegend(svg, panel);
      return (positions) => updates.forEach((draw) => draw(positions));
    }

    function mount(root) {
      if (root.dataset.mounted) return;
      root.dataset.mounted = "true";
      const figure = `optlab-explorer-${++mounted}`;
      const data = JSON.parse(root.querySelector("script.optlab-explorer-data").textContent);
      root.querySelectorAll(".optlab-explorer-fallback").forEach((node) => node.remove());
      const positions = data.controls.map((control) => control.initial);
      const bar = makeHtml("div", { class: "optlab-explorer-controls" }, root);
      const shown = data.controls.map((control, c) => {
        const id = `${figure}-${control.name}`, row = makeHtml("div", {}, bar);
        makeHtml("label", { for: id }, row, control.label);
        if (control.kind === "choice") {
          const select = makeHtml("select", { id: id }, row);
          control.values.forEach((text, k) => makeHtml("option", { value: k }, select, text));
          select.value = positions[c];
          select.addEventListener("change", () => { positions[c] = Number(select.value); update(); });
          return null;
        }
        const input = makeHtml("input", { type: "range", id: id, min: 0, max: control.values.length - 1, step: 1, value: positions[c] }, row);
        const output = makeHtml("output", { for: id }, row);
        input.addEventListener("input", () => { positions[c] = Number(input.value); update(); });
        return { input, output };
      });
      const area = makeHtml("div", { class: "optlab-explorer-panels" }, root);
      const svgs = [], redraws = [];
      data.panels.forEach((panel, p) => {
        const svg = make("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img" }, area);
        svgs.push(svg);
        redraws.push(drawPanel(svg, panel, `${figure}-clip-${p}`, data.controls, data.resolution));
      });
      const readout = data.readout ? makeHtml("p", { class: "optlab-explorer-readout", "aria-live": "polite" }, root) : null;
      function update() {
        const value = (c) => data.controls[c].values[positions[c]];
        const setting = data.controls.map((control, c) => `${control.label} ${value(c)}`).join(", ");
        shown.forEach((slider, c) => {
          if (!slider) return;
          slider.output.textContent = value(c);
          slider.input.setAttribute("aria-valuetext", value(c));
        });
        redraws.forEach((redraw) => redraw(positions));
        svgs.forEach((svg, p) => svg.setAttribute("aria-label", `${data.panels[p].description}; at ${setting}`));
        if (readout) readout.textContent = data.readout.texts[gridPoint(data.readout.depends, data.controls, positions)];
      }
      update();
    }

    function mountAll() {
      document.querySelectorAll("div.optlab-explorer").forEach(mount);
    }

    makeHtml("style", {}, document.head, STYLE);
    window.optlabExplorer = { mount, mountAll };
  }
  // Now, for a web page, and again once the current task is done: a notebook may run this
  // before it puts the figure's output into the page.
  window.optlabExplorer.mountAll();
  setTimeout(window.optlabExplorer.mountAll, 0);
})();
