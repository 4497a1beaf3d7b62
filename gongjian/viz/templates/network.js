/* gongjian network view. Every ledger string reaches the page through textContent only. */
(function () {
  "use strict";
  var M = JSON.parse(document.getElementById("gj-data").textContent);
  var U = M.ui, N = M.n, E = M.e, T = M.ties;
  var nN = N.id.length, nE = E.s.length, agg = M.mode !== "orgs";
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
  function tooltipNode(i) {
    var lines = [N.name[i]];
    if (agg) {
      lines.push(U.orgCount + ": " + N.size[i]);
    } else {
      lines.push(kindName(i));
      lines.push(place(i));
      lines = lines.concat(flagNames(N.f[i]));
    }
    return el("div", lines.filter(Boolean).join("\n"));
  }

  // --- data sets ---------------------------------------------------------------------
  var nodeList = new Array(nN);
  for (var i = 0; i < nN; i++) {
    var f = N.f[i], color = M.colors[N.c[i]];
    var border = (f & 1) ? M.marks.island : ((f & 2) ? M.marks.bridge : color);
    var node = {
      id: i, label: short(N.name[i]), title: tooltipNode(i), x: N.x[i], y: N.y[i],
      shape: (f & 2) ? "diamond" : "dot", borderWidth: (f & 3) ? 4 : 1,
      color: {background: color, border: border,
              highlight: {background: color, border: "#000000"},
              hover: {background: color, border: "#000000"}}
    };
    if (f & 4) { node.shapeProperties = {borderDashes: [4, 3]}; node.borderWidth = Math.max(node.borderWidth, 3); node.color.border = (f & 3) ? border : M.marks.cross; }
    if (agg) { node.value = N.size[i]; }
    nodeList[i] = node;
  }
  var edgeList = new Array(nE);
  for (var j = 0; j < nE; j++) {
    var ty = typeIdx(E.ty[j]), first = M.types[ty.length ? ty[0] : 0];
    var tip = typeNames(E.ty[j]) + (E.w[j] > 1 ? " \u00d7" + E.w[j] : "");
    var edge = {id: j, from: E.s[j], to: E.t[j], title: el("div", tip),
                color: {color: first[2], highlight: "#000000", hover: "#000000", opacity: 0.75},
                dashes: first[3], width: E.x[j] ? 3 : 1.2};
    if (agg) { edge.value = E.w[j]; }
    edgeList[j] = edge;
  }
  if (agg) {  // node area proportional to the organizations it stands for
    M.options.nodes.scaling.customScalingFunction = function (min, max, total, value) {
      return max > 0 ? Math.sqrt(value / max) : 0;
    };
  }
  var nodes = new vis.DataSet(nodeList), edges = new vis.DataSet(edgeList);
  var network = new vis.Network($("gj-net"), {nodes: nodes, edges: edges}, M.options);
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-drawn", "1");
    window.gongjianDrawnAt = performance.now();
    setTimeout(snapshot, 0);
  });
  // a picture of the whole network for printing (a canvas does not re-layout on paper)
  function snapshot() {
    var canvas = document.querySelector("#gj-net canvas");
    if (!canvas || canvas.offsetWidth === 0 || canvas.offsetHeight === 0) { return; }
    var view = {position: network.getViewPosition(), scale: network.getScale()};
    network.fit({animation: false});
    network.redraw();
    $("gj-snapshot").src = canvas.toDataURL("image/png");
    network.moveTo({position: view.position, scale: view.scale, animation: false});
  }
  window.addEventListener("beforeprint", snapshot);

  // --- filters and counts ------------------------------------------------------------
  var nodeOn = new Array(nN).fill(true), edgeOn = new Array(nE).fill(true);
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
  })();

  function checked(key, v) { var b = filterBoxes[key][v]; return !b || b.checked; }
  function applyFilters() {
    var tMask = 0;
    for (var t = 0; t < M.types.length; t++) { if (checked("t", t)) { tMask |= 1 << t; } }
    var nUp = [], eUp = [];
    for (var i = 0; i < nN; i++) {
      var on = (agg || checked("k", N.k[i])) && checked("d", N.d[i]);
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
    if (fSeen & 2) { row({border: "3px solid " + M.marks.bridge}, U.bridge, "gj-diamond"); }
    if (fSeen & 4) { row({border: "3px dashed " + M.marks.cross}, U.crossCluster); }
    if (xSeen) { row({borderTop: "5px solid #555555"}, U.crossTie, "gj-line"); }
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
    }
    box.appendChild(dl);
    var notes = M.notes[String(i)] || [];
    if (notes.length) {
      var ul = el("ul", null, "gj-notes");
      notes.forEach(function (t) { ul.appendChild(el("li", t)); });
      box.appendChild(ul);
    }
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
  $("gj-fit").addEventListener("click", function () { network.fit({animation: false}); });
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
  fromHash();
  window.gongjianPage = {network: network, nodes: nodes, edges: edges, select: selectNode,
                         search: search, model: M};
})();
