// MedLearn viewer: uploads an image to this service, shows it with window/level (and a slice scroller for volumes),
// the class probabilities and the heat map over the part of the image the model saw; for a segmentation model, the
// predicted label mask over the displayed slice with a legend. No external resources.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const state = { models: [], rendition: null, pixels: null, heat: null, file: null, mask: null, request: 0 };
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
    // No heat map for segmentations (the mask has its own slider); GMIC and segmentation runs have no method choice.
    $("opacity-label").hidden = m.kind === "segmentation";
    $("method-label").hidden = m.kind === "segmentation" || m.kind === "gmic";
    const add = (term, value) => {
      const dt = document.createElement("dt"); dt.textContent = term;
      const dd = document.createElement("dd"); dd.textContent = value;
      card.append(dt, dd);
    };
    add("Architecture", m.architecture);
    add("Classes", m.classes.join(", "));
    if (m.kind === "segmentation")
      add("Input", m.input.channels + " channel(s), sliding window " + m.input.patchSize.join(" × ") + " (stride " + m.input.stride.join(" × ") + ")");
    else
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
    // A segmentation run's metrics.json: held-out test volumes, Dice and HD95 as mean ± SD over the cases.
    if (typeof metrics.dice_mean === "number") {
      add("Evaluated on", metrics.test_cases + " held-out test volume(s)");
      add("Dice", fmt(metrics.dice_mean) + " ± " + fmt(metrics.dice_sd));
      if (typeof metrics.hd95_mm_mean === "number") add("HD95", fmt(metrics.hd95_mm_mean) + " ± " + fmt(metrics.hd95_mm_sd) + " mm");
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
    for (const id of ["image", "heat", "seg"]) {
      const canvas = $(id);
      canvas.width = r.width; canvas.height = r.height;
      canvas.style.width = Math.round(r.width * scale) + "px";
      canvas.style.height = Math.round(r.height * scale) + "px";
    }
    $("heat").getContext("2d").clearRect(0, 0, r.width, r.height);
    $("heat").dataset.drawn = "false";
    clearMask();
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

  // ---- segmentation mask: the API's NIfTI label volume over the displayed slice, one colour per label -------------
  // Okabe-Ito's colour-blind-safe palette (without black): label 1 is orange, 2 sky blue, ...; more labels cycle.
  const PALETTE = [[230, 159, 0], [86, 180, 233], [0, 158, 115], [240, 228, 66], [0, 114, 178], [213, 94, 0], [204, 121, 167]];
  const labelColour = label => PALETTE[(label - 1) % PALETTE.length];
  const css = ([r, g, b]) => "rgb(" + r + ", " + g + ", " + b + ")";

  // Reads a NIfTI-1 label volume (gzipped or not, either byte order, uint8 voxels) in file order: i (columns)
  // fastest, then j (rows), then k (slices). That is the order of the rendition's [slices, height, width] too: the
  // server's readers and NIfTI writer never reorient, so voxel (k, j, i) of the mask is pixel (j, i) of slice k.
  async function readNiftiLabels(base64) {
    let bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
    }
    if (bytes.length < 352) throw new Error("the mask is not a NIfTI-1 file (too short)");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const little = view.getInt32(0, true) === 348;
    if (!little && view.getInt32(0, false) !== 348) throw new Error("the mask is not a NIfTI-1 file");
    const dim = Array.from({ length: 8 }, (_, i) => view.getInt16(40 + 2 * i, little));
    if (dim[0] < 1 || dim[0] > 7) throw new Error("the mask has an invalid dim[0] = " + dim[0]);
    const size = i => (i <= dim[0] ? dim[i] : 1);
    for (let i = 4; i < 8; i++) if (size(i) !== 1) throw new Error("the mask has more than one volume");
    const nx = size(1), ny = size(2), nz = size(3), count = nx * ny * nz;
    // The service writes uint8 labels (VolumeSegmenter.Write); anything else is not a mask of this service.
    if (view.getInt16(70, little) !== 2) throw new Error("the mask's NIfTI datatype is " + view.getInt16(70, little) + ", not uint8 labels");
    const offset = Math.floor(view.getFloat32(108, little));
    if (offset < 348 || offset + count > bytes.length) throw new Error("the mask's voxel data are truncated");
    const labels = bytes.slice(offset, offset + count);
    return { nx, ny, nz, labels };
  }

  function clearMask() {
    state.mask = null;
    const seg = $("seg");
    seg.getContext("2d").clearRect(0, 0, seg.width, seg.height);
    seg.hidden = true;
    seg.dataset.drawn = "false";
    $("mask-controls").hidden = true;
    $("segmentation").hidden = true;
    $("legend").textContent = "";
  }

  function drawMask() {
    const m = state.mask, seg = $("seg");
    if (!m) return;
    const opacity = +$("mask-opacity").value;
    $("mask-opacity-value").textContent = opacity + " %";
    $("mask-opacity").setAttribute("aria-valuetext", opacity + " %");
    seg.hidden = !$("mask-show").checked;
    // The overlay's own pixels carry the opacity (alpha); the image canvas below keeps its window/level untouched.
    const alpha = Math.round(255 * opacity / 100);
    const plane = m.nx * m.ny, base = +$("slice").value * plane, outline = $("mask-outline").checked;
    // Outline: a voxel whose four in-plane neighbours all carry its label is left clear (the image shows through);
    // a neighbour outside the slice counts as different, so a label touching the border is closed there.
    const same = (i, x, y) => x >= 0 && y >= 0 && x < m.nx && y < m.ny && m.labels[base + y * m.nx + x] === m.labels[base + i];
    const ctx = seg.getContext("2d");
    const out = ctx.createImageData(m.nx, m.ny);
    for (let i = 0; i < plane; i++) {
      const label = m.labels[base + i];
      if (label === 0 || !m.visible[label]) continue;
      if (outline) {
        const x = i % m.nx, y = (i - x) / m.nx;
        if (same(i, x - 1, y) && same(i, x + 1, y) && same(i, x, y - 1) && same(i, x, y + 1)) continue;
      }
      const c = labelColour(label);
      out.data[4 * i] = c[0]; out.data[4 * i + 1] = c[1]; out.data[4 * i + 2] = c[2]; out.data[4 * i + 3] = alpha;
    }
    ctx.putImageData(out, 0, 0);
    seg.dataset.drawn = "true";
  }

  function goToSlice(slice) {
    $("slice").value = slice;
    drawImage();
    drawMask();
  }

  async function showSegmentation(s, request) {
    const mask = await readNiftiLabels(s.maskNifti);
    // Another file or model chosen meanwhile: this answer is not for what is shown.
    if (state.request !== request) return null;
    $("predicted").textContent = "segmented";
    $("confidence").textContent = "";
    $("timing").textContent = "segmentation " + (1000 * s.seconds).toFixed(0) + " ms";
    const r = state.rendition;
    // The mask must lie on the displayed grid: same columns, rows and slices as the image (before any display reduction).
    if (mask.nx !== r.sourceWidth || mask.ny !== r.sourceHeight || mask.nz !== r.slices || s.shape.join() !== [mask.nz, mask.ny, mask.nx].join())
      throw new Error("the mask (" + mask.nx + " × " + mask.ny + " × " + mask.nz + ") does not match the image (" + r.sourceWidth + " × " + r.sourceHeight + " × " + r.slices + "); it is not drawn");
    // Per label: the slice where it covers most voxels ("go to"), and its first and last slice.
    const plane = mask.nx * mask.ny, perSlice = new Map();
    for (let k = 0; k < mask.nz; k++)
      for (let v = k * plane; v < (k + 1) * plane; v++) {
        const label = mask.labels[v];
        if (label === 0) continue;
        if (!perSlice.has(label)) perSlice.set(label, new Uint32Array(mask.nz));
        perSlice.get(label)[k]++;
      }
    mask.visible = new Array(256).fill(true);
    state.mask = mask;
    // The overlay holds the mask at its full resolution (the image may be shown reduced); CSS stretches both canvases
    // over the same box, so voxel edges stay sharp.
    $("seg").width = mask.nx;
    $("seg").height = mask.ny;

    const legend = $("legend");
    legend.textContent = "";
    for (const l of s.labels) {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = l.voxels + " voxels, " + l.volumeMl.toFixed(2) + " mL";
      const name = document.createElement("span");
      name.textContent = "label " + l.label;
      if (l.label === 0) {
        li.className = "background";
        name.textContent = "background";
        li.append(document.createElement("span"), document.createElement("span"), name, text);
      } else {
        const show = document.createElement("input");
        show.type = "checkbox";
        show.checked = true;
        show.dataset.label = String(l.label);
        show.setAttribute("aria-label", "Show label " + l.label);
        show.addEventListener("change", () => { mask.visible[l.label] = show.checked; drawMask(); });
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = css(labelColour(l.label));
        swatch.setAttribute("aria-hidden", "true");
        li.append(show, swatch, name, text);
        const counts = perSlice.get(l.label);
        if (counts) {
          let best = 0, first = -1, last = -1;
          counts.forEach((n, k) => { if (n > counts[best]) best = k; if (n > 0) { if (first < 0) first = k; last = k; } });
          text.textContent += ", slices " + (first + 1) + "–" + (last + 1);
          const go = document.createElement("button");
          go.type = "button";
          go.textContent = "Go to " + (best + 1);
          go.setAttribute("aria-label", "Show slice " + (best + 1) + ", where label " + l.label + " is largest");
          go.addEventListener("click", () => goToSlice(best));
          li.appendChild(go);
        }
      }
      legend.appendChild(li);
    }
    $("segmentation").hidden = false;
    $("mask-controls").hidden = false;
    const found = s.labels.filter(l => l.label > 0 && l.voxels > 0);
    if (found.length === 0) { drawMask(); return "no foreground label found"; }
    // A mask the displayed slice does not cut would look like no mask: then show the slice with the most foreground.
    const foreground = new Uint32Array(mask.nz);
    for (const counts of perSlice.values()) counts.forEach((n, k) => { foreground[k] += n; });
    let note = "";
    if (foreground[+$("slice").value] === 0) {
      const best = foreground.reduce((b, n, k) => (n > foreground[b] ? k : b), 0);
      note = "; moved to slice " + (best + 1) + ", where the mask is largest";
      goToSlice(best);
    } else {
      drawMask();
    }
    return found.map(l => "label " + l.label + " " + l.volumeMl.toFixed(2) + " mL").join(", ") + " (mask drawn over the slices" + note + ")";
  }

  async function analyse(file) {
    state.file = file;
    const request = ++state.request;
    state.heat = null;
    clearMask();
    $("predicted").textContent = "—";
    $("confidence").textContent = "";
    $("bars").textContent = "";
    $("timing").textContent = "";
    const m = model();
    if (!m) { status("No model to use.", true); return; }
    status("Reading the image…");
    try {
      const rendition = await api("/v1/render", file);
      if (state.request !== request) return; // another file or model chosen meanwhile
      state.rendition = rendition;
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
        const answer = await api("/v1/models/" + encodeURIComponent(m.name) + "/predict", file);
        if (state.request !== request) return;
        const summary = await showSegmentation(answer, request);
        if (summary !== null) status("Segmented: " + summary);
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
  $("slice").addEventListener("input", drawMask);
  $("mask-opacity").addEventListener("input", drawMask);
  $("mask-show").addEventListener("change", drawMask);
  $("mask-outline").addEventListener("change", drawMask);
  $("model").addEventListener("change", () => { showCard(); if (state.file) analyse(state.file); });
  $("method").addEventListener("change", () => { if (state.file) analyse(state.file); });
  applyOpacity();
  loadModels();
})();
