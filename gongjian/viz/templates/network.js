/* gongjian network view. Every ledger string reaches the page through textContent only. */
(function () {
  "use strict";
  var M = JSON.parse(document.getElementById("gj-data").textContent);
  var U = M.ui, N = M.n, E = M.e, T = M.ties;
  var nN = N.id.length, nE = E.s.length, agg = M.mode !== "orgs";
  var DZ = M.dz || null, LISTS = M.lists || null;
  // what is new since an earlier ledger (viz --compare): NW per node (1 new organization,
  // 2 new island), EW per edge (1 new tie), CH the legend's words and colours
  var NW = M.nw || null, EW = M.ew || null, CH = M.changes || null;
  var changed = new Array(nN).fill(false);
  if (NW) { for (var c0 = 0; c0 < nN; c0++) { changed[c0] = !!NW[c0]; } }
  if (EW) { for (var c1 = 0; c1 < nE; c1++) { if (EW[c1]) { changed[E.s[c1]] = true; changed[E.t[c1]] = true; } } }
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function short(name) { return name.length > 10 ? name.slice(0, 9) + "\u2026" : name; }
  function typeIdx(mask) {
    var out = [];
    for (var i = 0; i < M.types.length; i++) { if (mask & (1 << i)) { out.push(i); } }
    return out;
  }
  function typeNames(mask) {
    return typeIdx(mask).map(function (i) { return M.types[i][1]; }).join("\u3001");
  }
  function place(i) {
    var parts = [];
    if (N.d[i] >= 0) { parts.push(M.districts[N.d[i]]); }
    if (N.s && N.s[i] >= 0) { parts.push(M.streets[N.s[i]]); }
    if (N.cm && N.cm[i]) { parts.push(N.cm[i]); }
    return parts.join(" ");
  }
  function kindName(i) { return N.k[i] >= 0 ? M.kinds[N.k[i]][1] : ""; }
  function flagNames(f) {
    var out = [];
    if (f & 1) { out.push(U.island); }
    if (f & 2) { out.push(U.bridge); }
    if (f & 4) { out.push(U.crossCluster); }
    return out;
  }
  function changeNames(i) {
    var out = [];
    if (NW && (NW[i] & 1)) { out.push(CH.org[0]); }
    if (NW && (NW[i] & 2)) { out.push(CH.island[0]); }
    return out;
  }
  function tooltipNode(i) {
    var lines = [N.name[i]];
    if (agg) {
      lines.push(U.orgCount + ": " + N.size[i]);
    } else {
      lines.push(kindName(i));
      lines.push(place(i));
      lines = lines.concat(flagNames(N.f[i])).concat(changeNames(i));
    }
    return el("div", lines.filter(Boolean).join("\n"));
  }

  // --- data sets ---------------------------------------------------------------------
  // Names are drawn by the page itself (see "labels" below), not by vis-network.
  var KEY = 8, NODE_SIZE = 10;
  var nodeOn = new Array(nN).fill(true), edgeOn = new Array(nE).fill(true);
  var markMode = "all";
  function nodeStyle(i) {
    var f = N.f[i], color = M.colors[N.c[i]];
    var marked = markMode === "bridges" ? (f & 2) : (f & KEY);
    var border = (f & 1) ? M.marks.island : (marked ? M.marks.bridge : color);
    var node = {
      id: i, title: tooltipNode(i), x: N.x[i], y: N.y[i],
      shape: marked ? "diamond" : "dot", borderWidth: (f & 1) || marked ? 4 : 1,
      shapeProperties: {borderDashes: false},
      color: {background: color, border: border,
              highlight: {background: color, border: "#000000"},
              hover: {background: color, border: "#000000"}}
    };
    if (f & 4) { node.shapeProperties = {borderDashes: [4, 3]}; node.borderWidth = Math.max(node.borderWidth, 3); node.color.border = ((f & 1) || marked) ? border : M.marks.cross; }
    if (NW && NW[i]) {  // new since the earlier ledger: a star, green (red when an island)
      node.shape = "star"; node.borderWidth = 4;
      node.color.border = (f & 1) ? M.marks.island : CH.org[1];
      node.shapeProperties = {borderDashes: false};
    }
    if (agg) { node.value = N.size[i]; }
    return node;
  }
  var nodeList = new Array(nN);
  for (var i = 0; i < nN; i++) { nodeList[i] = nodeStyle(i); }
  var edgeList = new Array(nE);
  for (var j = 0; j < nE; j++) {
    var ty = typeIdx(E.ty[j]), first = M.types[ty.length ? ty[0] : 0];
    var tip = typeNames(E.ty[j]) + (E.w[j] > 1 ? " \u00d7" + E.w[j] : "");
    var edge = {id: j, from: E.s[j], to: E.t[j], title: el("div", tip),
                color: {color: first[2], highlight: "#000000", hover: "#000000", opacity: 0.75},
                dashes: first[3], width: E.x[j] ? 3 : 1.2};
    if (DZ && DZ[j]) {  // dormant: no shared activity or project in the last year
      edge.color = {color: M.marks_dormant, highlight: "#000000", hover: "#000000", opacity: 0.9};
      edge.dashes = [2, 6]; edge.title = el("div", tip + " \u00b7 " + U.dormant);
    }
    if (EW && EW[j]) {  // a tie new since the earlier ledger
      edge.color = {color: CH.tie[1], highlight: "#000000", hover: "#000000", opacity: 1};
      edge.dashes = false; edge.width = 4; edge.title = el("div", tip + " \u00b7 " + CH.tie[0]);
    }
    if (agg) { edge.value = E.w[j]; }
    edgeList[j] = edge;
  }
  if (agg) {  // node area proportional to the organizations it stands for
    M.options.nodes.scaling.customScalingFunction = function (min, max, total, value) {
      return max > 0 ? Math.sqrt(value / max) : 0;
    };
  }
  var nodes = new vis.DataSet(nodeList), edges = new vis.DataSet(edgeList);
  var container = $("gj-net");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, M.options);

  // --- the view: fit with a margin ----------------------------------------------------
  var MARGIN = 36, LABEL_H = 16;
  function bounds() {
    var b = {x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity};
    var body = network.body.nodes;
    for (var i = 0; i < nN; i++) {
      if (!nodeOn[i] || !body[i]) { continue; }
      var x = body[i].x, y = body[i].y, r = agg ? body[i].options.size : NODE_SIZE;
      b.x0 = Math.min(b.x0, x - r); b.x1 = Math.max(b.x1, x + r);
      b.y0 = Math.min(b.y0, y - r); b.y1 = Math.max(b.y1, y + r);
    }
    if (allOn()) {
      (M.areas || []).forEach(function (a) {
        b.x0 = Math.min(b.x0, a[2]); b.y0 = Math.min(b.y0, a[3]);
        b.x1 = Math.max(b.x1, a[4]); b.y1 = Math.max(b.y1, a[5]);
      });
    }
    return b;
  }
  function fitView() {
    var b = bounds(), w = container.clientWidth, h = container.clientHeight;
    if (!isFinite(b.x0) || w === 0 || h === 0) { network.fit({animation: false}); return; }
    var bw = Math.max(b.x1 - b.x0, 1), bh = Math.max(b.y1 - b.y0, 1);
    var scale = Math.min((w - 2 * MARGIN) / bw, (h - 2 * MARGIN - LABEL_H) / bh, 1.5);
    scale = Math.max(scale, 0.005);
    network.moveTo({position: {x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 + LABEL_H / 2 / scale},
                    scale: scale, animation: false});
  }
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-drawn", "1");
    window.gongjianDrawnAt = performance.now();
    setTimeout(snapshot, 0);
  });
  // a picture of the whole network for printing (a canvas does not re-layout on paper)
  function snapshot() {
    var canvas = container.querySelector("canvas");
    if (!canvas || canvas.offsetWidth === 0 || canvas.offsetHeight === 0) { return; }
    var view = {position: network.getViewPosition(), scale: network.getScale()};
    fitView();
    network.redraw();
    $("gj-snapshot").src = canvas.toDataURL("image/png");
    network.moveTo({position: view.position, scale: view.scale, animation: false});
  }
  window.addEventListener("beforeprint", snapshot);

  // --- areas and labels ----------------------------------------------------------------
  // At the full view only the organizations that matter are named (streets, key bridging
  // units, islands, communities: M.n.lp < 9, lowest first) and no two names overlap; from
  // CLOSE_SCALE on every organization in view is named.
  var CLOSE_SCALE = 1.0, FONT_PX = 12, AREA_PX = 14;
  var FONT_FAMILY = getComputedStyle(document.body).fontFamily || "sans-serif";
  var LABEL_FONT = FONT_PX + "px " + FONT_FAMILY, AREA_FONT = "bold " + AREA_PX + "px " + FONT_FAMILY;
  var measure = document.createElement("canvas").getContext("2d");
  var widths = new Array(nN), degree = new Array(nN).fill(0), order = [];
  for (var q = 0; q < nE; q++) { degree[E.s[q]]++; degree[E.t[q]]++; }
  for (var o = 0; o < nN; o++) { order.push(o); }
  var LP = N.lp || new Array(nN).fill(0);
  order.sort(function (a, b) { return (LP[a] - LP[b]) || (degree[b] - degree[a]) || (a - b); });
  function labelText(i) { return short(N.name[i]); }
  function labelWidth(i) {
    if (widths[i] === undefined) { measure.font = LABEL_FONT; widths[i] = measure.measureText(labelText(i)).width; }
    return widths[i];
  }
  function areaText(a) { return a[0] === "islands" ? a[1] + "\uff08" + a[6] + "\uff09" : a[1]; }
  var AREA_TINT = {district: ["rgba(52,152,219,0.06)", "rgba(39,174,96,0.06)", "rgba(155,89,182,0.06)",
                              "rgba(230,126,34,0.06)"], islands: "rgba(231,76,60,0.08)"};
  network.on("beforeDrawing", function (ctx) {
    if (!M.areas || !allOn()) { return; }
    M.areas.forEach(function (a, k) {
      ctx.fillStyle = a[0] === "islands" ? AREA_TINT.islands : AREA_TINT.district[k % 4];
      ctx.strokeStyle = a[0] === "islands" ? "rgba(231,76,60,0.5)" : "rgba(93,109,126,0.35)";
      ctx.lineWidth = 1.5 / network.getScale();
      ctx.fillRect(a[2], a[3], a[4] - a[2], a[5] - a[3]);
      ctx.strokeRect(a[2], a[3], a[4] - a[2], a[5] - a[3]);
    });
  });
  var drawn = [];
  function overlaps(grid, cell, b) {
    for (var gx = Math.floor(b.x0 / cell); gx <= Math.floor(b.x1 / cell); gx++) {
      for (var gy = Math.floor(b.y0 / cell); gy <= Math.floor(b.y1 / cell); gy++) {
        var list = grid[gx + ":" + gy];
        if (!list) { continue; }
        for (var k = 0; k < list.length; k++) {
          var c = list[k];
          if (b.x0 < c.x1 && c.x0 < b.x1 && b.y0 < c.y1 && c.y0 < b.y1) { return true; }
        }
      }
    }
    return false;
  }
  function remember(grid, cell, b) {
    for (var gx = Math.floor(b.x0 / cell); gx <= Math.floor(b.x1 / cell); gx++) {
      for (var gy = Math.floor(b.y0 / cell); gy <= Math.floor(b.y1 / cell); gy++) {
        (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(b);
      }
    }
  }
  function labelBox(i, scale) {
    var body = network.body.nodes[i];
    if (!body) { return null; }
    var p = network.canvasToDOM({x: body.x, y: body.y});
    var r = (agg ? body.options.size : NODE_SIZE) * scale, w = labelWidth(i);
    return {i: i, x0: p.x - w / 2, x1: p.x + w / 2, y0: p.y + r + 1, y1: p.y + r + 1 + LABEL_H};
  }
  function placeLabels() {
    var scale = network.getScale(), w = container.clientWidth, h = container.clientHeight;
    var close = scale >= CLOSE_SCALE, grid = {}, cell = 64, out = [];
    function inside(b) { return b.x0 >= 0 && b.y0 >= 0 && b.x1 <= w && b.y1 <= h; }
    function touches(b) { return b.x1 > 0 && b.y1 > 0 && b.x0 < w && b.y0 < h; }
    if (M.areas && allOn()) {
      measure.font = AREA_FONT;
      M.areas.forEach(function (a) {
        var p = network.canvasToDOM({x: a[2], y: a[3]}), text = areaText(a);
        var b = {i: -1, area: a[0], text: text, x0: p.x + 4, y0: p.y + 3,
                 x1: p.x + 4 + measure.measureText(text).width, y1: p.y + 3 + AREA_PX + 4};
        if (inside(b) && !overlaps(grid, cell, b)) { remember(grid, cell, b); out.push(b); }
      });
    }
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      if (!nodeOn[i]) { continue; }
      var wanted = close || LP[i] < 9 || (markMode === "bridges" && (N.f[i] & 2)) ||
        (markMode === "islands" && (N.f[i] & 1)) || (markMode === "changes" && changed[i]);
      if (!wanted) { continue; }
      var b = labelBox(i, scale);
      if (!b || (close ? !touches(b) : !inside(b))) { continue; }
      if (!close && overlaps(grid, cell, b)) { continue; }
      b.text = labelText(i);
      remember(grid, cell, b);
      out.push(b);
    }
    return out;
  }
  network.on("afterDrawing", function (ctx) {
    drawn = placeLabels();
    var pr = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(pr, 0, 0, pr, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    drawn.forEach(function (b) {
      ctx.font = b.i < 0 ? AREA_FONT : LABEL_FONT;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(b.text, b.x0, b.y0 + 1);
      ctx.fillStyle = b.i < 0 ? (b.area === "islands" ? "#922b21" : "#34495e") : "#1b2631";
      ctx.fillText(b.text, b.x0, b.y0 + 1);
    });
    ctx.restore();
  });

  // --- filters and counts ------------------------------------------------------------
  var filterBoxes = {k: {}, d: {}, t: {}};

  function addFilter(box, title, key, entries) {
    if (!entries.length) { return; }
    var set = el("fieldset"), legend = el("legend", title);
    set.appendChild(legend);
    entries.forEach(function (entry) {
      var label = el("label"), input = el("input");
      input.type = "checkbox"; input.checked = true; input.value = String(entry[0]);
      input.setAttribute("data-filter", key);
      input.addEventListener("change", applyFilters);
      filterBoxes[key][entry[0]] = input;
      label.appendChild(input);
      if (entry[2]) {
        var sw = el("span", null, "gj-swatch");
        sw.style.background = entry[2];
        label.appendChild(sw);
      }
      label.appendChild(document.createTextNode(entry[1]));
      set.appendChild(label);
    });
    box.appendChild(set);
  }
  function present(col, count) {
    var seen = new Array(count).fill(false);
    col.forEach(function (v) { if (v >= 0) { seen[v] = true; } });
    return seen;
  }
  (function buildFilters() {
    var box = $("gj-filters");
    if (!agg) {
      var kSeen = present(N.k, M.kinds.length);
      addFilter(box, U.kinds, "k", M.kinds.map(function (k, i) { return [i, k[1], k[2]]; })
        .filter(function (e) { return kSeen[e[0]]; }));
    }
    addFilter(box, U.districts, "d", M.districts.map(function (d, i) { return [i, d]; }));
    var tSeen = 0;
    E.ty.forEach(function (m) { tSeen |= m; });
    addFilter(box, U.types, "t", M.types.map(function (t, i) { return [i, t[1], t[2]]; })
      .filter(function (e) { return tSeen & (1 << e[0]); }));
    if (agg) { return; }
    var fSeen = 0, anyChange = changed.some(function (x) { return x; });
    N.f.forEach(function (f) { fSeen |= f; });
    if (!(fSeen & 3) && !anyChange) { return; }
    var set = el("fieldset"), choices = [["all", U.showAll]];
    set.appendChild(el("legend", U.flags));
    set.id = "gj-marks";
    if (fSeen & 1) { choices.push(["islands", U.onlyIslands]); }
    if (fSeen & KEY) { choices.push(["key", U.onlyKey]); }
    if (fSeen & 2) { choices.push(["bridges", U.onlyBridges.replace("{0}", String(M.bridges.all))]); }
    if (anyChange) { choices.push(["changes", U.onlyChanges]); }
    choices.forEach(function (c) {
      var label = el("label"), input = el("input");
      input.type = "radio"; input.name = "gj-mark"; input.value = c[0];
      input.checked = c[0] === "all";
      input.setAttribute("data-filter", "mark");
      input.addEventListener("change", function () { setMarkMode(c[0]); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(c[1]));
      set.appendChild(label);
    });
    box.appendChild(set);
  })();
  function markOk(i) {
    var f = N.f[i];
    if (markMode === "islands") { return !!(f & 1); }
    if (markMode === "key") { return !!(f & KEY); }
    if (markMode === "bridges") { return !!(f & 2); }
    if (markMode === "changes") { return changed[i]; }
    return true;
  }
  function setMarkMode(mode) {
    var before = markMode;
    markMode = mode;
    if ((before === "bridges") !== (mode === "bridges")) {
      var up = [];
      for (var i = 0; i < nN; i++) { if (N.f[i] & 2) { up.push(nodeStyle(i)); } }
      nodes.update(up);
    }
    applyFilters();
    fitView();
  }
  function allOn() {
    if (markMode !== "all") { return false; }
    for (var i = 0; i < nN; i++) { if (!nodeOn[i]) { return false; } }
    return true;
  }

  function checked(key, v) { var b = filterBoxes[key][v]; return !b || b.checked; }
  function applyFilters() {
    var tMask = 0;
    for (var t = 0; t < M.types.length; t++) { if (checked("t", t)) { tMask |= 1 << t; } }
    var nUp = [], eUp = [];
    for (var i = 0; i < nN; i++) {
      var on = (agg || checked("k", N.k[i])) && checked("d", N.d[i]) && (agg || markOk(i));
      if (on !== nodeOn[i]) { nodeOn[i] = on; nUp.push({id: i, hidden: !on}); }
    }
    for (var j = 0; j < nE; j++) {
      var eon = nodeOn[E.s[j]] && nodeOn[E.t[j]] && (E.ty[j] & tMask) !== 0;
      if (eon !== edgeOn[j]) { edgeOn[j] = eon; eUp.push({id: j, hidden: !eon}); }
    }
    if (nUp.length) { nodes.update(nUp); }
    if (eUp.length) { edges.update(eUp); }
    showCounts();
  }
  function countTrue(a) { var c = 0; for (var i = 0; i < a.length; i++) { if (a[i]) { c++; } } return c; }
  function showCounts() {
    var vn = countTrue(nodeOn), ve = countTrue(edgeOn), box = $("gj-count");
    box.setAttribute("data-nodes", String(vn));
    box.setAttribute("data-edges", String(ve));
    box.textContent = U.shown + " " + vn + "/" + nN + " " + (agg ? U.units : U.orgs) +
      " \u00b7 " + ve + "/" + nE + " " + U.ties;
  }

  // --- legend ------------------------------------------------------------------------
  (function buildLegend() {
    var box = $("gj-legend");
    function row(swatchStyle, text, shape) {
      var r = el("div", null, "gj-legend-row"), sw = el("span", null, "gj-swatch" + (shape ? " " + shape : ""));
      Object.keys(swatchStyle).forEach(function (k) { sw.style[k] = swatchStyle[k]; });
      r.appendChild(sw); r.appendChild(el("span", text)); box.appendChild(r);
    }
    M.legend.forEach(function (entry) { row({background: M.colors[entry[1]]}, entry[0]); });
    var tSeen = 0;
    E.ty.forEach(function (m) { tSeen |= m; });
    M.types.forEach(function (t, i) {
      if (tSeen & (1 << i)) { row({borderTop: "3px " + (t[3] ? "dashed " : "solid ") + t[2]}, t[1], "gj-line"); }
    });
    var fSeen = 0, xSeen = false;
    N.f.forEach(function (f) { fSeen |= f; });
    E.x.forEach(function (x) { xSeen = xSeen || !!x; });
    if (fSeen & 1) { row({border: "3px solid " + M.marks.island}, U.island); }
    if (fSeen & KEY) {
      row({border: "3px solid " + M.marks.bridge}, U.keyBridge.replace("{0}", String(M.bridges.key)), "gj-diamond");
      box.appendChild(el("p", U.bridgeRule.replace("{0}", String(M.bridges.all)), "gj-rule"));
    }
    if (fSeen & 4) { row({border: "3px dashed " + M.marks.cross}, U.crossCluster); }
    if (xSeen) { row({borderTop: "5px solid #555555"}, U.crossTie, "gj-line"); }
    if (DZ && DZ.some(function (x) { return !!x; })) { row({borderTop: "3px dotted " + M.marks_dormant}, U.dormant, "gj-line"); }
    if (NW && NW.some(function (x) { return x & 1; })) { row({border: "3px solid " + CH.org[1]}, "\u2605 " + CH.org[0]); }
    if (NW && NW.some(function (x) { return x & 2; })) { row({border: "3px solid " + M.marks.island}, "\u2605 " + CH.island[0]); }
    if (EW && EW.some(function (x) { return !!x; })) { row({borderTop: "5px solid " + CH.tie[1]}, CH.tie[0], "gj-line"); }
    if (NW && changed.some(function (x) { return x; })) { box.appendChild(el("p", U.changesRule, "gj-rule")); }
    if (!agg && LP.some(function (p) { return p >= 9; })) { box.appendChild(el("p", U.labelsNote, "gj-rule")); }
  })();

  // --- details -------------------------------------------------------------------------
  var incident = null, tiesOf = null;
  function buildIndex() {
    incident = new Array(nN);
    for (var i = 0; i < nN; i++) { incident[i] = []; }
    for (var j = 0; j < nE; j++) { incident[E.s[j]].push(j); incident[E.t[j]].push(j); }
    tiesOf = {};
    for (var k = 0; k < T.e.length; k++) { (tiesOf[T.e[k]] = tiesOf[T.e[k]] || []).push(k); }
  }
  function field(dl, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    dl.appendChild(el("dt", label)); dl.appendChild(el("dd", value));
  }
  function showDetails(i) {
    if (incident === null) { buildIndex(); }
    var box = $("gj-details");
    box.textContent = "";
    box.appendChild(el("h3", N.name[i]));
    var dl = el("dl");
    if (agg) {
      field(dl, U.orgCount, N.size[i]);
      field(dl, U.members, N.m[i]);
      field(dl, U.inner, N.inner[i]);
      field(dl, U.island, N.isl[i]);
    } else {
      field(dl, U.id, N.id[i]);
      field(dl, U.kind, kindName(i));
      field(dl, U.place, place(i));
      field(dl, U.members, N.m[i]);
      if (M.personal) { field(dl, U.secretary, N.sec[i]); field(dl, U.phone, N.ph[i]); }
      field(dl, U.cluster, N.cl[i]);
      var flags = flagNames(N.f[i]);
      if (flags.length) { field(dl, U.flags, flags.join("\u3001")); }
      var news = changeNames(i);
      if (news.length) { field(dl, U.change, news.join("\u3001")); }
    }
    box.appendChild(dl);
    var notes = M.notes[String(i)] || [];
    if (notes.length) {
      var ul = el("ul", null, "gj-notes");
      notes.forEach(function (t) { ul.appendChild(el("li", t)); });
      box.appendChild(ul);
    }
    showLists(box, i);
    var list = incident[i];
    if (list.length) {
      box.appendChild(el("h4", U.tieList + " (" + list.length + ")"));
      var ties = el("ul", null, "gj-ties");
      list.forEach(function (j) {
        var other = E.s[j] === i ? E.t[j] : E.s[j];
        var li = el("li"), link = el("a", N.name[other]);
        link.href = "#";
        link.addEventListener("click", function (ev) { ev.preventDefault(); selectNode(other); });
        li.appendChild(link);
        if (DZ && DZ[j]) {
          var dz = el("span", " \u00b7 " + U.dormant, "gj-dormant");
          dz.style.color = M.marks_dormant; li.appendChild(dz);
        }
        var rows = tiesOf[j];
        if (rows && rows.length) {
          rows.forEach(function (k) {
            var span = T.a[k] || T.b[k] ? " (" + (T.a[k] || "\u2026") + " \u2013 " + (T.b[k] || "\u2026") + ")" : "";
            li.appendChild(el("div", (T.ty[k] >= 0 ? M.types[T.ty[k]][1] : "") + span, "gj-tie"));
          });
        } else {
          li.appendChild(el("div", typeNames(E.ty[j]) + (E.w[j] > 1 ? " \u00d7" + E.w[j] : ""), "gj-tie"));
        }
        ties.appendChild(li);
      });
      box.appendChild(ties);
    }
  }
  function showLists(box, i) {  // needs, resources, projects and suggested matches
    var mine = LISTS && LISTS[String(i)];
    if (!mine) { return; }
    function part(title, rows, cls, text) {
      if (!rows.length) { return; }
      box.appendChild(el("h4", title + " (" + rows.length + ")"));
      var ul = el("ul", null, "gj-list-items " + cls);
      rows.forEach(function (r) { ul.appendChild(el("li", text(r))); });
      box.appendChild(ul);
    }
    function join(parts) { return parts.filter(function (p) { return p; }).join(" \u00b7 "); }
    part(U.needs, mine.needs, "gj-needs", function (r) { return join([r[0], r[1], r[2], r[3], r[4]]); });
    part(U.resources, mine.resources, "gj-resources", function (r) { return join([r[0], r[1], r[2], r[3], r[4]]); });
    part(U.projects, mine.projects, "gj-projects", function (r) { return join([r[0], r[1], r[2], r[3]]); });
    part(U.matches, mine.matches, "gj-matches", function (r) {
      return join([U.needWord + " " + r[0] + " \u2190 " + U.resourceWord + " " + r[1], r[2], r[3], r[4], r[5]]);
    });
  }
  function selectNode(i) {
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 0.8), animation: false});
    showDetails(i);
  }
  network.on("click", function (p) {
    if (p.nodes.length) { showDetails(p.nodes[0]); }
  });

  // --- search ------------------------------------------------------------------------
  var lowerNames = null;
  function search(q) {
    var results = $("gj-results");
    results.textContent = "";
    q = q.trim().toLowerCase();
    if (!q) { return; }
    if (lowerNames === null) { lowerNames = N.name.map(function (s) { return s.toLowerCase(); }); }
    var hits = [];
    for (var i = 0; i < nN && hits.length < 20; i++) {
      if (nodeOn[i] && (lowerNames[i].indexOf(q) >= 0 || String(N.id[i]).toLowerCase() === q)) { hits.push(i); }
    }
    if (!hits.length) { results.appendChild(el("div", U.noMatch, "gj-nomatch")); return; }
    hits.forEach(function (i) {
      var b = el("button", N.name[i]);
      b.type = "button";
      b.addEventListener("click", function () { selectNode(i); });
      results.appendChild(b);
    });
    selectNode(hits[0]);
  }
  $("gj-search").addEventListener("input", function (ev) { search(ev.target.value); });

  // --- buttons, links ------------------------------------------------------------------
  var physicsOn = false;
  $("gj-physics").addEventListener("click", function () {
    physicsOn = !physicsOn;
    network.setOptions({physics: {enabled: physicsOn}});
    this.textContent = physicsOn ? U.physicsOff : U.physics;
  });
  $("gj-fit").addEventListener("click", fitView);
  var byId = null;
  function fromHash() {
    var h = window.location.hash;
    if (h.indexOf("#n=") !== 0) { return; }
    if (byId === null) { byId = {}; N.id.forEach(function (id, i) { byId[id] = i; }); }
    var i = byId[decodeURIComponent(h.slice(3))];
    if (i !== undefined) { $("gj-net").scrollIntoView(); selectNode(i); }
  }
  window.addEventListener("hashchange", fromHash);

  showCounts();
  fitView();
  fromHash();
  window.gongjianPage = {network: network, nodes: nodes, edges: edges, select: selectNode,
                         search: search, model: M, fit: fitView, setMarkMode: setMarkMode,
                         labels: function () { return drawn.slice(); },
                         labelFont: LABEL_FONT, labelHeight: LABEL_H, nodeSize: NODE_SIZE,
                         closeScale: CLOSE_SCALE};
})();
