// MedLearn viewer: uploads an image to this service, shows it with window/level (and a slice scroller for volumes),
// the class probabilities and the heat map over the part of the image the model saw. No external resources.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const state = { models: [], rendition: null, pixels: null, heat: null, file: null };
  const DISPLAY = 512; // longest side on screen, CSS pixels

  const key = $("key");
  key.value = sessionStorage.getItem("medlearn-key") || "";
  key.addEventListener("change", () => { sessionStorage.setItem("medlearn-key", key.value); loadModels(); });

  function headers() {
    return key.value ? { "Authorization": "Bearer " + key.value } : {};
  }

  function status(text, error) {
    const s = $("status");
    s.textContent = text;
    s.className = error ? "error" : "";
  }

  async function api(path, body) {
    const options = { method: body ? "POST" : "GET", headers: headers() };
    if (body) { options.body = body; options.headers["Content-Type"] = "application/octet-stream"; }
    const response = await fetch(path, options);
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.detail || ("HTTP " + response.status));
    return json;
  }

  async function loadModels() {
    try {
      const list = await api("/v1/models");
      state.models = list.models;
      const select = $("model");
      select.textContent = "";
      for (const m of list.models) {
        const option = document.createElement("option");
        option.value = m.name;
        option.textContent = m.name + " (" + m.architecture + ")";
        select.appendChild(option);
      }
      showCard();
      status(list.models.length + " model(s) ready");
    } catch (e) {
      status("Cannot list the models: " + e.message, true);
    }
  }

  function model() { return state.models.find(m => m.name === $("model").value); }

  function fmt(v) { return typeof v === "number" ? (Math.abs(v) >= 100 || Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v); }

  function showCard() {
    const m = model();
    const card = $("card");
    card.textContent = "";
    if (!m) return;
    const add = (term, value) => {
      const dt = document.createElement("dt"); dt.textContent = term;
      const dd = document.createElement("dd"); dd.textContent = value;
      card.append(dt, dd);
    };
    add("Architecture", m.architecture);
    add("Classes", m.classes.join(", "));
    add("Input", m.input.channels + " × " + m.input.imageSize + " × " + m.input.imageSize + " px");
    if (m.run) add("Trained", (m.run.createdUtc || "?") + " (MedLearn " + (m.run.medlearn || "?") + ", seed " + m.run.seed + ")");
    const metrics = m.metrics || {};
    if (metrics.split) add("Evaluated on", metrics.images + " " + metrics.split + " images (held out)");
    const values = metrics.metrics || {};
    const boot = values.bootstrap || {};
    for (const name of ["accuracy", "balanced_accuracy", "macro_auc", "macro_f1", "kappa_quadratic", "ece"]) {
      const v = values[name];
      if (typeof v !== "number") continue;
      const ci = boot[name];
      add(name.replace(/_/g, " "), fmt(v) + (ci ? " (95% CI " + fmt(ci.lower) + "–" + fmt(ci.upper) + ")" : ""));
    }
    if (metrics.training && metrics.training.epochs_completed !== undefined)
      add("Training", metrics.training.epochs_completed + " epochs, best epoch " + metrics.training.best_epoch);
  }

  // ---- image display: window/level over float samples in real units -------------------------------------------
  function decode(rendition) {
    const bytes = Uint8Array.from(atob(rendition.pixels), c => c.charCodeAt(0));
    return new Float32Array(bytes.buffer);
  }

  function setupDisplay(r) {
    const lo = r.min, hi = r.max === r.min ? r.min + 1 : r.max;
    const center = $("center"), width = $("width");
    center.min = lo; center.max = hi; center.step = (hi - lo) / 500;
    width.min = (hi - lo) / 500; width.max = (hi - lo) * 2; width.step = (hi - lo) / 500;
    center.value = r.windowCenter ?? (lo + hi) / 2;
    width.value = r.windowWidth ?? (hi - lo);
    const slice = $("slice");
    slice.max = r.slices - 1;
    slice.value = Math.floor(r.slices / 2);
    $("slice-label").hidden = r.slices <= 1;
    const scale = DISPLAY / Math.max(r.width, r.height);
    for (const id of ["image", "heat"]) {
      const canvas = $(id);
      canvas.width = r.width; canvas.height = r.height;
      canvas.style.width = Math.round(r.width * scale) + "px";
      canvas.style.height = Math.round(r.height * scale) + "px";
    }
    $("heat").getContext("2d").clearRect(0, 0, r.width, r.height);
    $("heat").dataset.drawn = "false";
    $("stage").hidden = false;
  }

  function drawImage() {
    const r = state.rendition;
    if (!r) return;
    const c = +$("center").value, w = Math.max(+$("width").value, 1e-12);
    const s = +$("slice").value;
    $("center-value").textContent = fmt(c);
    $("width-value").textContent = fmt(w);
    $("slice-value").textContent = (s + 1) + " / " + r.slices;
    const plane = r.width * r.height, lo = c - w / 2;
    const offset = s * r.channels * plane;
    const ctx = $("image").getContext("2d");
    const out = ctx.createImageData(r.width, r.height);
    for (let i = 0; i < plane; i++) {
      for (let k = 0; k < 3; k++) {
        const v = state.pixels[offset + (r.channels === 3 ? k : 0) * plane + i];
        out.data[4 * i + k] = Math.max(0, Math.min(255, ((v - lo) / w) * 255));
      }
      out.data[4 * i + 3] = 255;
    }
    ctx.putImageData(out, 0, 0);
  }

  // ---- heat map: a jet-like colour map over the model's input grid, placed on its region of the image -----------
  function colour(t) {
    const r = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 3)));
    const g = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 2)));
    const b = Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - 1)));
    return [r * 255, g * 255, b * 255];
  }

  function drawHeat() {
    const map = state.heat, r = state.rendition;
    if (!map || !r) return;
    const grid = document.createElement("canvas");
    grid.width = map.width; grid.height = map.height;
    const g = grid.getContext("2d");
    const data = g.createImageData(map.width, map.height);
    const span = map.max - map.min || 1;
    map.values.forEach((v, i) => {
      const [cr, cg, cb] = colour((v - map.min) / span);
      data.data.set([cr, cg, cb, 255], 4 * i);
    });
    g.putImageData(data, 0, 0);
    const heat = $("heat"), ctx = heat.getContext("2d");
    ctx.clearRect(0, 0, heat.width, heat.height);
    ctx.imageSmoothingEnabled = true;
    // The region is in source pixels; the rendition may be reduced.
    const sx = r.width / r.sourceWidth, sy = r.height / r.sourceHeight;
    ctx.drawImage(grid, map.region.left * sx, map.region.top * sy, map.region.width * sx, map.region.height * sy);
    heat.dataset.drawn = "true";
    applyOpacity();
  }

  function applyOpacity() {
    const o = $("opacity");
    $("heat").style.opacity = String(o.value / 100);
    $("opacity-value").textContent = o.value + " %";
    o.setAttribute("aria-valuetext", o.value + " %");
  }

  function showPrediction(p) {
    $("predicted").textContent = p.predicted;
    $("confidence").textContent = "(" + (100 * p.probability).toFixed(1) + " %)";
    const bars = $("bars");
    bars.textContent = "";
    for (const c of p.probabilities) {
      const li = document.createElement("li");
      if (c.name === p.predicted) li.className = "top";
      const name = document.createElement("span"); name.textContent = c.name;
      const bar = document.createElement("div"); bar.className = "bar";
      bar.setAttribute("role", "meter"); bar.setAttribute("aria-label", c.name);
      bar.setAttribute("aria-valuemin", "0"); bar.setAttribute("aria-valuemax", "1"); bar.setAttribute("aria-valuenow", String(c.probability));
      const fill = document.createElement("span"); fill.style.width = (100 * c.probability).toFixed(1) + "%";
      bar.appendChild(fill);
      const value = document.createElement("span"); value.textContent = (100 * c.probability).toFixed(1) + " %";
      li.append(name, bar, value);
      bars.appendChild(li);
    }
    $("timing").textContent = "forward " + p.timing.forwardMs.toFixed(1) + " ms, total " + p.timing.totalMs.toFixed(1) + " ms (batch of " + p.timing.batchSize + ")";
  }

  function showSegmentation(s) {
    $("predicted").textContent = "segmented";
    $("confidence").textContent = "";
    const bars = $("bars");
    bars.textContent = "";
    for (const l of s.labels) {
      const li = document.createElement("li");
      li.textContent = "label " + l.label + ": " + l.voxels + " voxels, " + l.volumeMl.toFixed(2) + " mL";
      bars.appendChild(li);
    }
    $("timing").textContent = "segmentation " + (1000 * s.seconds).toFixed(0) + " ms";
  }

  async function analyse(file) {
    state.file = file;
    state.heat = null;
    $("predicted").textContent = "—";
    $("confidence").textContent = "";
    $("bars").textContent = "";
    $("timing").textContent = "";
    const m = model();
    if (!m) { status("No model to use.", true); return; }
    status("Reading the image…");
    try {
      state.rendition = await api("/v1/render", file);
      state.pixels = decode(state.rendition);
      setupDisplay(state.rendition);
      drawImage();
    } catch (e) {
      status("The image cannot be shown: " + e.message, true);
      return;
    }
    try {
      if (m.kind === "segmentation") {
        status("Segmenting…");
        showSegmentation(await api("/v1/models/" + encodeURIComponent(m.name) + "/predict", file));
        status("Done: label volumes listed (the mask is in the API answer as NIfTI)");
        return;
      }
      status("Classifying…");
      showPrediction(await api("/v1/models/" + encodeURIComponent(m.name) + "/predict", file));
      status("Explaining…");
      // A GMIC model explains itself with its own saliency map; the method choice is for classifiers.
      const method = m.kind === "gmic" ? "gmic-saliency" : $("method").value;
      state.heat = (await api("/v1/models/" + encodeURIComponent(m.name) + "/explain?method=" + encodeURIComponent(method), file)).map;
      drawHeat();
      status("Done: " + $("predicted").textContent);
    } catch (e) {
      status(e.message, true);
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------------------------
  const drop = $("drop"), input = $("file");
  drop.addEventListener("click", e => { if (e.target !== input) input.click(); });
  drop.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) analyse(e.dataTransfer.files[0]);
  });
  input.addEventListener("change", () => { if (input.files.length) analyse(input.files[0]); });
  $("opacity").addEventListener("input", applyOpacity);
  for (const id of ["center", "width", "slice"]) $(id).addEventListener("input", drawImage);
  $("model").addEventListener("change", () => { showCard(); if (state.file) analyse(state.file); });
  $("method").addEventListener("change", () => { if (state.file) analyse(state.file); });
  applyOpacity();
  loadModels();
})();
