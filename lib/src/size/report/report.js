// The report page: reads the embedded JSON and draws the treemap, the items table, the dominator
// tree and the diff. Plain DOM code with no libraries; names are always inserted as text.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("report-data").textContent);
  const fileSize = data.file_size;

  // ---- Formatting -------------------------------------------------------------------------

  /** 1234567 -> "1,234,567" (independent of the browser's locale). */
  function commas(n) {
    const s = String(Math.abs(Math.round(n)));
    let out = "";
    for (let i = 0; i < s.length; i++) {
      if (i > 0 && (s.length - i) % 3 === 0) out += ",";
      out += s[i];
    }
    return (n < 0 ? "-" : "") + out;
  }

  /** Bytes in a short human form: "812 B", "14.2 KiB", "3.07 MiB". */
  function human(n) {
    const a = Math.abs(n);
    const sign = n < 0 ? "-" : "";
    if (a < 1024) return sign + a + " B";
    if (a < 1024 * 1024) return sign + (a / 1024).toFixed(a < 10240 ? 2 : 1) + " KiB";
    return sign + (a / 1048576).toFixed(a < 10485760 ? 2 : 1) + " MiB";
  }

  function percent(part, whole) {
    if (!whole) return "–";
    const p = (100 * part) / whole;
    if (p !== 0 && Math.abs(p) < 0.01) return (p < 0 ? "-" : "") + "<0.01%";
    return p.toFixed(2) + "%";
  }

  function signed(n, f) {
    return (n > 0 ? "+" : "") + f(n);
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  // ---- Colours by kind --------------------------------------------------------------------

  const KNOWN_COLOURS = {
    function: "#4e79a7",
    code: "#4e79a7",
    data: "#f28e2b",
    import: "#d4a82a",
    export: "#b07aa1",
    type: "#e07b91",
    global: "#9c755f",
    table: "#e15759",
    element: "#c0504d",
    elem: "#c0504d",
    memory: "#8cd17d",
    custom: "#59a6a0",
    debug: "#76b7b2",
    name: "#86bcb6",
    tag: "#a0cbe8",
    start: "#ff9d9a",
    header: "#7f8c9d",
    section: "#6b7a90",
    overhead: "#a3acb9",
    module: "#4a5568",
  };
  const EXTRA_COLOURS = ["#499894", "#f1ce63", "#d37295", "#79706e", "#b6992d", "#fabfd2", "#8fbc5b", "#d7b5a6"];
  const OTHERS_COLOUR = "#c9ced6";
  const kindColours = new Map();
  function collectKinds() {
    const kinds = new Set();
    (function walk(n) {
      kinds.add(n.kind);
      if (n.children) n.children.forEach(walk);
    })(data.tree);
    data.top.forEach((r) => kinds.add(r.kind));
    const unknown = [...kinds].filter((k) => !(k in KNOWN_COLOURS)).sort();
    unknown.forEach((k, i) => kindColours.set(k, EXTRA_COLOURS[i % EXTRA_COLOURS.length]));
    return kinds;
  }
  function colourOf(kind) {
    if (kind === "others") return OTHERS_COLOUR;
    return KNOWN_COLOURS[kind] || kindColours.get(kind) || "#999";
  }
  function isLight(hex) {
    const r = parseInt(hex.slice(1, 3), 16);
    const g = parseInt(hex.slice(3, 5), 16);
    const b = parseInt(hex.slice(5, 7), 16);
    return 0.299 * r + 0.587 * g + 0.114 * b > 165;
  }
  function shade(hex, f) {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const m = c.map((v) => Math.max(0, Math.min(255, Math.round(f < 0 ? v * (1 + f) : v + (255 - v) * f))));
    return "#" + m.map((v) => v.toString(16).padStart(2, "0")).join("");
  }
  function kindChip(kind) {
    const span = el("span", { class: "kind" });
    const i = el("i");
    i.style.background = colourOf(kind);
    span.append(i, document.createTextNode(kind));
    return span;
  }

  // ---- Treemap model ----------------------------------------------------------------------

  /** Copies the tree into nodes with parent links and children sorted largest first. */
  function buildModel(raw, parent) {
    const node = { name: raw.name, kind: raw.kind, size: raw.size, parent: parent, children: [], leaves: 0 };
    const kids = raw.children || [];
    let sum = 0;
    for (const k of kids) {
      const child = buildModel(k, node);
      sum += child.value;
      node.children.push(child);
    }
    if (kids.length > 0 && raw.size > sum) {
      node.children.push({ name: "(own bytes)", kind: "overhead", size: raw.size - sum, value: raw.size - sum, parent: node, children: [], leaves: 1 });
      sum = raw.size;
    }
    node.value = Math.max(raw.size, sum);
    node.children = node.children.filter((c) => c.value > 0);
    node.children.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    node.leaves = node.children.length ? node.children.reduce((s, c) => s + c.leaves, 0) : 1;
    return node;
  }

  /**
   * Squarified layout (Bruls, Huizing, van Wijk): rows of rectangles along the shorter side,
   * each row grown while it makes the worst aspect ratio better. `items` are sorted largest first.
   */
  function squarify(items, x, y, w, h) {
    const out = [];
    const total = items.reduce((s, it) => s + it.value, 0);
    if (total <= 0 || w <= 0 || h <= 0) return out;
    const scale = (w * h) / total;
    let i = 0;
    while (i < items.length) {
      const side = Math.min(w, h);
      let rowSum = 0;
      let best = Infinity;
      let j = i;
      const maxA = items[i].value * scale;
      while (j < items.length) {
        const a = items[j].value * scale;
        const s = rowSum + a;
        const worst = Math.max((side * side * maxA) / (s * s), (s * s) / (side * side * a));
        if (worst > best) break;
        best = worst;
        rowSum = s;
        j++;
      }
      const thick = rowSum / side;
      let offset = 0;
      for (let k = i; k < j; k++) {
        const len = (items[k].value * scale) / thick;
        if (w >= h) out.push({ item: items[k], x: x, y: y + offset, w: thick, h: len });
        else out.push({ item: items[k], x: x + offset, y: y, w: len, h: thick });
        offset += len;
      }
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
      i = j;
    }
    return out;
  }

  const MIN_AREA = 90; // px²: smaller items join the "others" box of their parent
  const MAX_CHILDREN = 800; // boxes drawn per parent at most
  const HEAD = 20; // px: height of a group's title strip

  /** The children to draw in `area` px²: the big ones, then one "N others" node for the rest. */
  function visibleChildren(node, area) {
    const kids = node.children;
    const unit = area / node.value;
    let n = 0;
    while (n < kids.length && n < MAX_CHILDREN && kids[n].value * unit >= MIN_AREA) n++;
    if (kids.length - n <= 1) return kids.slice();
    if (n === 0) n = Math.min(1, kids.length);
    const rest = kids.slice(n);
    const restValue = rest.reduce((s, c) => s + c.value, 0);
    const others = {
      name: commas(rest.length) + " others",
      kind: "others",
      size: restValue,
      value: restValue,
      parent: node,
      children: rest,
      leaves: rest.reduce((s, c) => s + c.leaves, 0),
      synthetic: true,
    };
    return kids.slice(0, n).concat([others]);
  }

  // ---- Treemap view -----------------------------------------------------------------------

  const model = buildModel(data.tree, null);
  let zoomRoot = model;
  const treemapBox = document.getElementById("treemap-box");
  const tooltip = document.getElementById("tooltip");
  let drawn = []; // node per data-i index of the current drawing

  /** The last part of a path-like name: `a::b::c` -> `c`, `env.f` -> `f`. */
  function shortName(name) {
    const m = /(?:::|\.|\/)([^:./]+)$/.exec(name);
    return m ? m[1] : name;
  }

  function fitText(text, width, charW) {
    const max = Math.floor((width - 8) / charW);
    if (text.length <= max) return text;
    if (max < 8) return null; // "functi…" says too little: the tooltip has the name
    return text.slice(0, max - 1) + "…";
  }

  function drawTreemap() {
    const W = treemapBox.clientWidth;
    const H = treemapBox.clientHeight;
    if (W === 0 || H === 0) return false;
    drawnSize = W + "x" + H;
    drawn = [];
    const svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H });
    let rects = 0;

    function addRect(node, r, cls, fill) {
      const rect = svgEl("rect", {
        x: r.x.toFixed(1), y: r.y.toFixed(1),
        width: Math.max(0, r.w).toFixed(1), height: Math.max(0, r.h).toFixed(1),
        class: cls, fill: fill, "data-i": drawn.length,
      });
      if (node.kind === "others") rect.setAttribute("fill", "url(#others-hatch)");
      drawn.push(node);
      rects++;
      svg.appendChild(rect);
      return rect;
    }

    function addText(str, x, y, cls) {
      const t = svgEl("text", { x: x.toFixed(1), y: y.toFixed(1), class: cls });
      t.textContent = str;
      svg.appendChild(t);
    }

    function leafLabel(node, r, fill) {
      if (r.w < 44 || r.h < 16) return;
      const cls = isLight(fill) ? "t-dark" : "t-light";
      const fits = node.name.length <= Math.floor((r.w - 8) / 6.6);
      const name = fits ? node.name : fitText(shortName(node.name), r.w, 6.6);
      if (!name) return;
      const twoLines = r.h >= 34;
      addText(name, r.x + 4, r.y + (twoLines ? 11 : r.h / 2), cls);
      if (twoLines) {
        const size = human(node.value);
        if (size.length * 6.6 + 8 <= r.w) addText(size, r.x + 4, r.y + 25, cls + " t-size");
      }
    }

    function draw(node, r, depth) {
      const fill = colourOf(node.kind);
      const canNest = node.children.length > 0 && !node.synthetic && depth < 3 && r.w > 60 && r.h > HEAD + 24;
      if (!canNest) {
        const zoomable = node.children.length > 0;
        addRect(node, r, "leaf" + (zoomable ? " zoomable" : ""), fill);
        leafLabel(node, r, node.kind === "others" ? OTHERS_COLOUR : fill);
        return;
      }
      const headFill = node.kind === "section" || node.kind === "module" ? "#4a5a72" : shade(fill, -0.25);
      addRect(node, r, "group-frame", shade(headFill, 0.9));
      addRect(node, { x: r.x, y: r.y, w: r.w, h: HEAD }, "group-head", headFill);
      const label = fitText(node.name + "  " + human(node.value), r.w, 7.2) || fitText(node.name, r.w, 7.2);
      if (label) addText(label, r.x + 5, r.y + HEAD / 2, "t-head");
      const inner = { x: r.x + 2, y: r.y + HEAD, w: r.w - 4, h: r.h - HEAD - 2 };
      const kids = visibleChildren(node, inner.w * inner.h);
      for (const p of squarify(kids, inner.x, inner.y, inner.w, inner.h)) draw(p.item, p, depth + 1);
    }

    const defs = svgEl("defs", {});
    const pattern = svgEl("pattern", { id: "others-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.append(svgEl("rect", { width: 6, height: 6, fill: OTHERS_COLOUR }), svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#b3b9c3", "stroke-width": 2 }));
    defs.appendChild(pattern);
    svg.appendChild(defs);

    const root = zoomRoot;
    if (root.children.length === 0) {
      draw(root, { x: 0, y: 0, w: W, h: H }, 0);
    } else {
      const kids = visibleChildren(root, W * H);
      for (const p of squarify(kids, 0, 0, W, H)) draw(p.item, p, 1);
    }
    svg.setAttribute("data-rects", String(rects));
    treemapBox.replaceChildren(svg);
    treemapBox.setAttribute("data-rects", String(rects));
    drawBreadcrumb();
    return true;
  }

  function pathTo(node) {
    const path = [];
    for (let n = node; n; n = n.parent) path.unshift(n);
    return path;
  }

  function drawBreadcrumb() {
    const nav = document.getElementById("breadcrumb");
    nav.replaceChildren();
    const path = pathTo(zoomRoot);
    path.forEach((n, i) => {
      if (i > 0) nav.appendChild(el("span", { class: "sep", "aria-hidden": "true" }, "›"));
      const b = el("button", { type: "button", title: n.name }, i === 0 ? n.name || "module" : n.name);
      if (n === zoomRoot) b.setAttribute("aria-current", "page");
      else b.addEventListener("click", () => zoomTo(n));
      nav.appendChild(b);
    });
    nav.appendChild(el("span", { class: "crumb-size" }, human(zoomRoot.value) + " · " + percent(zoomRoot.value, fileSize) + " of file · " + commas(zoomRoot.leaves) + " items"));
  }

  function zoomTo(node) {
    zoomRoot = node;
    history.replaceState(null, "", treemapHash());
    hideTooltip();
    drawTreemap();
  }

  /** `#treemap/code/main`: the zoom path, so that a link opens the same view. */
  function treemapHash() {
    let path = pathTo(zoomRoot).slice(1);
    const cut = path.findIndex((n) => n.synthetic);
    if (cut >= 0) path = path.slice(0, cut);
    return "#" + ["treemap"].concat(path.map((n) => encodeURIComponent(n.name))).join("/");
  }

  /** Zooms to the node a `#treemap/...` path names, as far as its names match. */
  function zoomToPath(segments) {
    let node = model;
    for (const seg of segments) {
      let name;
      try { name = decodeURIComponent(seg); } catch (e) { break; }
      const next = node.children.find((c) => c.name === name);
      if (!next) break;
      node = next;
    }
    zoomRoot = node;
  }

  function nodeAt(target) {
    const i = target && target.getAttribute && target.getAttribute("data-i");
    return i === null || i === undefined ? null : drawn[Number(i)];
  }

  treemapBox.addEventListener("click", (e) => {
    const node = nodeAt(e.target);
    if (node && node.children.length > 0 && node !== zoomRoot) zoomTo(node);
  });
  treemapBox.addEventListener("mousemove", (e) => {
    const node = nodeAt(e.target);
    if (!node) return hideTooltip();
    showTooltip(node, e.clientX, e.clientY);
  });
  treemapBox.addEventListener("mouseleave", hideTooltip);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && currentView === "treemap" && zoomRoot.parent) zoomTo(zoomRoot.parent);
  });

  function showTooltip(node, cx, cy) {
    tooltip.replaceChildren();
    tooltip.appendChild(el("div", { class: "tt-name" }, node.name));
    tooltip.appendChild(el("div", { class: "tt-kind" }, node.kind === "others" ? "items too small to draw" : node.kind));
    const row = (k, v) => {
      const d = el("div", { class: "tt-row" });
      d.append(el("span", {}, k), el("span", {}, v));
      tooltip.appendChild(d);
    };
    row("bytes", commas(node.value) + " (" + human(node.value) + ")");
    row("of file", percent(node.value, fileSize));
    if (node.parent) row("of " + node.parent.name, percent(node.value, node.parent.value));
    if (node.children.length) row("items", commas(node.leaves));
    tooltip.hidden = false;
    const pad = 14;
    const tw = tooltip.offsetWidth;
    const th = tooltip.offsetHeight;
    let x = cx + pad;
    let y = cy + pad;
    if (x + tw > window.innerWidth - 4) x = cx - tw - pad;
    if (y + th > window.innerHeight - 4) y = cy - th - pad;
    tooltip.style.left = Math.max(4, x) + "px";
    tooltip.style.top = Math.max(4, y) + "px";
  }
  function hideTooltip() {
    tooltip.hidden = true;
  }

  function drawLegend(kinds) {
    const legend = document.getElementById("legend");
    const order = Object.keys(KNOWN_COLOURS).filter((k) => kinds.has(k) && k !== "module");
    // "others" (items summed by the page or by the data) has its own hatched entry below.
    const extra = [...kinds].filter((k) => !(k in KNOWN_COLOURS) && k !== "others").sort();
    for (const k of order.concat(extra)) {
      const s = el("span");
      const i = el("i");
      i.style.background = colourOf(k);
      s.append(i, document.createTextNode(k));
      legend.appendChild(s);
    }
    const s = el("span");
    const i = el("i");
    i.style.background = "repeating-linear-gradient(45deg, #c9ced6 0 3px, #b3b9c3 3px 5px)";
    s.append(i, document.createTextNode("others"));
    legend.appendChild(s);
  }

  // ---- Sortable tables --------------------------------------------------------------------

  /**
   * A sortable table of `rows`, showing at most `cap` of them. `columns` have a key, a label,
   * `num` (numeric: right-aligned, sorted as numbers, largest first on the first click), a value
   * function for sorting and a cell function that fills a <td>.
   */
  function makeTable(container, opts) {
    const table = el("table");
    if (opts.caption) table.appendChild(el("caption", { class: "visually-hidden" }, opts.caption));
    const thead = el("thead");
    const headRow = el("tr");
    const tbody = el("tbody");
    const state = { key: opts.sortKey, dir: opts.sortDir || -1, filtered: opts.rows };
    const ths = [];
    for (const col of opts.columns) {
      const th = el("th", { scope: "col", class: col.num ? "num" : "" });
      if (col.sortable === false) {
        th.textContent = col.label;
      } else {
        const b = el("button", { type: "button" }, col.label);
        b.addEventListener("click", () => {
          if (state.key === col.key) state.dir = -state.dir;
          else { state.key = col.key; state.dir = col.num ? -1 : 1; }
          refresh();
        });
        th.appendChild(b);
      }
      ths.push(th);
      headRow.appendChild(th);
    }
    thead.appendChild(headRow);
    table.append(thead, tbody);
    container.replaceChildren(table);
    const more = el("div", { class: "more" });
    container.appendChild(more);

    function compare(a, b) {
      const col = opts.columns.find((c) => c.key === state.key);
      const va = col.value(a);
      const vb = col.value(b);
      let c = col.num ? va - vb : va < vb ? -1 : va > vb ? 1 : 0;
      if (c === 0) c = a.__order - b.__order;
      else c *= state.dir;
      return c;
    }

    function refresh() {
      ths.forEach((th, i) => {
        const col = opts.columns[i];
        if (col.key === state.key) th.setAttribute("aria-sort", state.dir < 0 ? "descending" : "ascending");
        else th.removeAttribute("aria-sort");
      });
      const rows = state.filtered.slice().sort(compare);
      const shown = rows.slice(0, opts.cap);
      const frag = document.createDocumentFragment();
      shown.forEach((row, i) => {
        const tr = el("tr");
        for (const col of opts.columns) {
          const td = el("td", { class: (col.num ? "num " : "") + (col.cls || "") });
          col.cell(td, row, i);
          tr.appendChild(td);
        }
        frag.appendChild(tr);
      });
      tbody.replaceChildren(frag);
      tbody.setAttribute("data-rows", String(shown.length));
      more.textContent = rows.length > shown.length ? "Showing the first " + commas(shown.length) + " of " + commas(rows.length) + " rows: use the filter to find the others." : "";
      if (opts.onRefresh) opts.onRefresh(shown.length, rows.length);
    }

    opts.rows.forEach((r, i) => { r.__order = i; });
    refresh();
    return {
      filter(pred) {
        state.filtered = opts.rows.filter(pred);
        refresh();
      },
    };
  }

  function pctCell(td, part, whole, max) {
    const wrap = el("span", { class: "pct" });
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    const fill = el("i");
    fill.style.width = (max > 0 ? Math.min(100, (100 * part) / max) : 0).toFixed(1) + "%";
    bar.appendChild(fill);
    wrap.append(el("span", {}, percent(part, whole)), bar);
    td.appendChild(wrap);
  }

  // ---- Top items table --------------------------------------------------------------------

  function drawTopTable() {
    const rows = data.top.slice();
    const maxRetained = rows.reduce((m, r) => Math.max(m, r.retained), 0);
    const status = document.getElementById("table-status");
    const table = makeTable(document.getElementById("top-table"), {
      caption: "Top items by size",
      rows: rows,
      cap: 1000,
      sortKey: "retained",
      columns: [
        { key: "rank", label: "#", sortable: false, cls: "rank", value: () => 0, cell: (td, r, i) => { td.textContent = String(i + 1); } },
        { key: "name", label: "Name", cls: "name", value: (r) => r.name, cell: (td, r) => { td.textContent = r.name; td.title = r.name; } },
        { key: "kind", label: "Kind", value: (r) => r.kind, cell: (td, r) => td.appendChild(kindChip(r.kind)) },
        { key: "shallow", label: "Shallow bytes", num: true, value: (r) => r.shallow, cell: (td, r) => { td.textContent = commas(r.shallow); } },
        { key: "shallow_pct", label: "Shallow %", num: true, value: (r) => r.shallow, cell: (td, r) => { td.textContent = percent(r.shallow, fileSize); } },
        { key: "retained", label: "Retained bytes", num: true, value: (r) => r.retained, cell: (td, r) => { td.textContent = commas(r.retained); } },
        { key: "retained_pct", label: "Retained %", num: true, value: (r) => r.retained, cell: (td, r) => pctCell(td, r.retained, fileSize, maxRetained) },
      ],
      onRefresh: (shown, matching) => {
        status.textContent = commas(matching) + " of " + commas(rows.length) + " items match";
      },
    });
    const select = document.getElementById("table-kind");
    [...new Set(rows.map((r) => r.kind))].sort().forEach((k) => select.appendChild(el("option", { value: k }, k)));
    const input = document.getElementById("table-filter");
    let timer = 0;
    const apply = () => {
      const q = input.value.trim().toLowerCase();
      const kind = select.value;
      table.filter((r) => (!kind || r.kind === kind) && (!q || r.name.toLowerCase().includes(q)));
    };
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 120); });
    select.addEventListener("change", apply);
  }

  // ---- Dominator tree ---------------------------------------------------------------------

  const DOM_PAGE = 100;

  function drawDominators() {
    const list = document.getElementById("dom-tree");
    const root = data.dominators;
    const total = root.retained || fileSize;
    let count = 0;

    function sortedKids(n) {
      if (!n.__sorted) {
        n.__sorted = (n.children || []).slice().sort((a, b) => b.retained - a.retained || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }
      return n.__sorted;
    }

    function item(n, depth) {
      count++;
      const li = el("li", { role: "treeitem", "aria-level": String(depth + 1) });
      const row = el("div", { class: "dom-row" });
      const label = el("div", { class: "dom-label" });
      label.style.paddingLeft = depth * 18 + "px";
      const kids = sortedKids(n);
      const toggle = el("button", { type: "button", class: "dom-toggle", "aria-label": "expand" }, kids.length ? "▶" : "");
      if (!kids.length) toggle.disabled = true;
      const name = el("span", { class: "dom-name", title: n.name }, n.name);
      label.append(toggle, name, kindChip(n.kind));
      const ret = el("div", { class: "dom-ret" });
      const bar = el("span", { class: "bar", "aria-hidden": "true" });
      const fill = el("i");
      fill.style.width = (total ? Math.min(100, (100 * n.retained) / total) : 0).toFixed(1) + "%";
      bar.appendChild(fill);
      ret.append(el("span", {}, commas(n.retained) + " B · " + percent(n.retained, fileSize)), bar);
      row.append(label, ret, el("div", { class: "dom-shallow" }, commas(n.shallow) + " B"));
      li.appendChild(row);
      let sub = null;
      if (kids.length) {
        li.setAttribute("aria-expanded", "false");
        toggle.addEventListener("click", () => {
          const open = li.getAttribute("aria-expanded") === "true";
          if (open) {
            li.setAttribute("aria-expanded", "false");
            toggle.textContent = "▶";
            toggle.setAttribute("aria-label", "expand");
            sub.hidden = true;
          } else {
            expand();
          }
        });
      }
      function expand() {
        li.setAttribute("aria-expanded", "true");
        toggle.textContent = "▼";
        toggle.setAttribute("aria-label", "collapse");
        if (!sub) {
          sub = el("ul", { role: "group" });
          li.appendChild(sub);
          page(sub, kids, 0, depth + 1);
        }
        sub.hidden = false;
      }
      li.__expand = expand;
      return li;
    }

    function page(ul, kids, start, depth) {
      const end = Math.min(kids.length, start + DOM_PAGE);
      for (let i = start; i < end; i++) ul.appendChild(item(kids[i], depth));
      if (end < kids.length) {
        const li = el("li", { class: "dom-more" });
        li.style.paddingLeft = depth * 18 + 10 + "px";
        const rest = kids.slice(end).reduce((s, k) => s + k.retained, 0);
        const b = el("button", { type: "button" }, "show " + commas(Math.min(DOM_PAGE, kids.length - end)) + " more of " + commas(kids.length - end) + " (" + human(rest) + ")");
        b.addEventListener("click", () => {
          li.remove();
          page(ul, kids, end, depth);
        });
        li.appendChild(b);
        ul.appendChild(li);
      }
    }

    const top = item(root, 0);
    list.appendChild(top);
    if (sortedKids(root).length) top.__expand();
    list.setAttribute("data-items", String(count));
  }

  // ---- Diff -------------------------------------------------------------------------------

  function drawDiff(diff) {
    document.getElementById("tab-diff").hidden = false;
    const box = document.getElementById("diff-body");
    const delta = diff.new_file_size - diff.old_file_size;
    const cards = el("div", { class: "cards" });
    function card(label, value, sub, cls) {
      const c = el("div", { class: "card" });
      c.append(el("div", { class: "label" }, label), el("div", { class: "value " + (cls || "") }, value));
      if (sub) c.appendChild(el("div", { class: "sub" }, sub));
      cards.appendChild(c);
    }
    const cls = (d) => (d > 0 ? "grow" : d < 0 ? "shrink" : "");
    card("Old", human(diff.old_file_size), diff.old_title + " · " + commas(diff.old_file_size) + " B");
    card("New", human(diff.new_file_size), diff.new_title + " · " + commas(diff.new_file_size) + " B");
    card("Change", signed(delta, human), signed(delta, commas) + " B · " + (diff.old_file_size ? signed((100 * delta) / diff.old_file_size, (p) => p.toFixed(2)) + "%" : "new"), cls(delta));
    const added = diff.items.filter((r) => r.old === 0 && r.new > 0).length;
    const removed = diff.items.filter((r) => r.new === 0 && r.old > 0).length;
    const changed = diff.items.filter((r) => r.old > 0 && r.new > 0 && r.old !== r.new).length;
    card("Items", commas(changed) + " changed", commas(added) + " added · " + commas(removed) + " removed");
    box.appendChild(cards);

    function deltaColumns(rows) {
      const maxAbs = rows.reduce((m, r) => Math.max(m, Math.abs(r.new - r.old)), 0);
      return [
        { key: "name", label: "Name", cls: "name", value: (r) => r.name, cell: (td, r) => { td.textContent = r.name; td.title = r.name; } },
        { key: "kind", label: "Kind", value: (r) => r.kind, cell: (td, r) => td.appendChild(kindChip(r.kind)) },
        { key: "status", label: "Status", value: (r) => status(r), cell: (td, r) => td.appendChild(el("span", { class: "badge " + status(r) }, status(r))) },
        { key: "old", label: "Old bytes", num: true, value: (r) => r.old, cell: (td, r) => { td.textContent = commas(r.old); } },
        { key: "new", label: "New bytes", num: true, value: (r) => r.new, cell: (td, r) => { td.textContent = commas(r.new); } },
        { key: "abs", label: "Change", num: true, value: (r) => Math.abs(r.new - r.old), cell: (td, r) => deltaCell(td, r.new - r.old, maxAbs) },
        { key: "pct", label: "Change %", num: true, value: (r) => (r.old ? (r.new - r.old) / r.old : Infinity), cell: (td, r) => { const d = r.new - r.old; td.className += " " + cls(d); td.textContent = r.old ? signed((100 * d) / r.old, (p) => p.toFixed(1)) + "%" : "new"; } },
      ];
    }
    function status(r) {
      return r.old === r.new ? "same" : r.old === 0 ? "added" : r.new === 0 ? "removed" : "changed";
    }
    function deltaCell(td, d, maxAbs) {
      const wrap = el("span", { class: "delta " + cls(d) });
      const bar = el("span", { class: "dbar", "aria-hidden": "true" });
      if (d !== 0) {
        const i = el("i", { class: d > 0 ? "grow-bar" : "shrink-bar" });
        i.style.width = (maxAbs ? Math.max(1, (50 * Math.abs(d)) / maxAbs) : 0).toFixed(1) + "%";
        bar.appendChild(i);
      }
      wrap.append(el("span", {}, signed(d, commas)), bar);
      td.appendChild(wrap);
    }

    box.appendChild(el("h3", {}, "Sections"));
    const secBox = el("div", { class: "table-wrap", id: "diff-sections" });
    box.appendChild(secBox);
    const sections = diff.sections.slice();
    makeTable(secBox, { caption: "Section size changes", rows: sections, cap: 1000, sortKey: "abs", columns: deltaColumns(sections) });

    box.appendChild(el("h3", {}, "Items"));
    const controls = el("div", { class: "controls" });
    const input = el("input", { type: "search", placeholder: "name contains…", autocomplete: "off", id: "diff-filter" });
    const label = el("label", {}, "Filter ");
    label.appendChild(input);
    const onlyChanged = el("input", { type: "checkbox", id: "diff-changed" });
    onlyChanged.checked = true;
    const label2 = el("label");
    label2.append(onlyChanged, document.createTextNode("changed only"));
    const statusEl = el("span", { class: "status", "aria-live": "polite" });
    controls.append(label, label2, statusEl);
    box.appendChild(controls);
    const itemBox = el("div", { class: "table-wrap", id: "diff-items" });
    box.appendChild(itemBox);
    const items = diff.items.slice();
    const table = makeTable(itemBox, {
      caption: "Item size changes",
      rows: items,
      cap: 1000,
      sortKey: "abs",
      columns: deltaColumns(items),
      onRefresh: (shown, matching) => { statusEl.textContent = commas(matching) + " of " + commas(items.length) + " items match"; },
    });
    let timer = 0;
    const apply = () => {
      const q = input.value.trim().toLowerCase();
      const changedOnly = onlyChanged.checked;
      table.filter((r) => (!changedOnly || r.old !== r.new) && (!q || r.name.toLowerCase().includes(q)));
    };
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 120); });
    onlyChanged.addEventListener("change", apply);
    apply();
  }

  // ---- Tabs and start-up ------------------------------------------------------------------

  let currentView = "treemap";
  function show(view) {
    if (!document.getElementById("view-" + view) || document.getElementById("tab-" + view).hidden) view = "treemap";
    currentView = view;
    for (const tab of document.querySelectorAll(".tabs button")) {
      const on = tab.getAttribute("data-view") === view;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      document.getElementById("view-" + tab.getAttribute("data-view")).hidden = !on;
    }
    hideTooltip();
    if (view === "treemap") drawTreemap();
  }
  for (const tab of document.querySelectorAll(".tabs button")) {
    tab.addEventListener("click", () => {
      const view = tab.getAttribute("data-view");
      history.replaceState(null, "", view === "treemap" ? treemapHash() : "#" + view);
      show(view);
    });
  }
  /** Shows the view a hash names: `#table`, `#dominators`, `#diff` or `#treemap[/path]`. */
  function route(hash) {
    const parts = hash.replace(/^#/, "").split("/");
    if (parts[0] === "treemap" || parts[0] === "") zoomToPath(parts.slice(1));
    show(parts[0] || "treemap");
  }
  window.addEventListener("hashchange", () => route(location.hash));
  // Redraw when the box changes size (window resized, or laid out again before the first paint).
  let drawnSize = "";
  new ResizeObserver(() => {
    const size = treemapBox.clientWidth + "x" + treemapBox.clientHeight;
    if (currentView === "treemap" && size !== drawnSize) drawTreemap();
  }).observe(treemapBox);

  const started = performance.now();
  const kinds = collectKinds();
  const summary = document.getElementById("summary");
  const sectionCount = model.children.filter((c) => c.kind !== "overhead").length;
  summary.append(
    el("b", {}, human(fileSize)), document.createTextNode(" (" + commas(fileSize) + " bytes) · "),
    el("b", {}, commas(sectionCount)), document.createTextNode(" sections · "),
    el("b", {}, commas(model.leaves)), document.createTextNode(" items"),
  );
  if (data.diff) {
    const d = data.diff.new_file_size - data.diff.old_file_size;
    summary.append(document.createTextNode(" · vs " + data.diff.old_title + ": "));
    summary.appendChild(el("b", { class: d > 0 ? "grow" : d < 0 ? "shrink" : "" }, signed(d, human)));
  }
  drawLegend(kinds);
  drawTopTable();
  drawDominators();
  if (data.diff) drawDiff(data.diff);
  route(location.hash);
  document.body.setAttribute("data-render-ms", String(Math.round(performance.now() - started)));
  if (window.__pendingErrors) window.__pendingErrors.forEach(window.__showError);
  if (document.body.getAttribute("data-rendered") === "pending") document.body.setAttribute("data-rendered", "ok");
})();
