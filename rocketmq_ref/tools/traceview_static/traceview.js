// rocketmq-ref trace viewer: a waterfall of one OTLP JSON lines recording, no dependencies.
// ?trace=NAME loads traces/NAME.js (window.ROCKETMQ_REF_TRACES[NAME] = [TracesData, ...]);
// ?base=../ is the docs root that code and book links are relative to.
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const base = params.get("base") ?? "../";
  const KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"};
  const JAVA_TAG = "rocketmq-all-4.9.8";
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };

  function anyValue(v) {
    if (!v) return null;
    if ("stringValue" in v) return v.stringValue;
    if ("intValue" in v) return Number(v.intValue);
    if ("boolValue" in v) return Boolean(v.boolValue);
    if ("doubleValue" in v) return Number(v.doubleValue);
    if ("arrayValue" in v) return (v.arrayValue.values || []).map(anyValue);
    return null;
  }
  const kv = (list) => Object.fromEntries((list || []).map((a) => [a.key, anyValue(a.value)]));

  // Same flattening as rocketmq_ref.common.otlp_json.read_spans.
  function flatten(lines) {
    const spans = [];
    for (const data of lines) {
      for (const rs of data.resourceSpans || []) {
        const res = kv((rs.resource || {}).attributes);
        for (const ss of rs.scopeSpans || []) {
          for (const sp of ss.spans || []) {
            spans.push(Object.assign({}, sp, {
              service: res["service.name"] || "?", attrs: kv(sp.attributes),
              start: Number(BigInt(sp.startTimeUnixNano || "0") / 1000n),  // microseconds
              end: Number(BigInt(sp.endTimeUnixNano || "0") / 1000n),
            }));
          }
        }
      }
    }
    return spans;
  }

  // docutils' make_id: "B4.3" -> "b4-3" (the row ids of the book contents pages)
  const makeId = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[-0-9]+|-+$/g, "");
  const bookUrl = (id) => `${base}book/${id[0].toLowerCase()}.html#${makeId(id)}`;
  const codeUrl = (file, line) => `${base}_modules/${file.replace(/\.py$/, "")}.html#L${line}`;
  function javaUrl(java) {
    const parts = java.split("#")[0].replace(/\$/g, ".").split(".");
    const pkg = parts.filter((p) => /^[a-z]/.test(p));
    const cls = parts.filter((p) => /^[A-Z]/.test(p));
    if (pkg.length < 4 || !cls.length) return `https://github.com/apache/rocketmq/tree/${JAVA_TAG}`;
    return `https://github.com/apache/rocketmq/blob/${JAVA_TAG}/${pkg[3]}/src/main/java/${pkg.join("/")}/${cls[0]}.java`;
  }
  const fmtMs = (us) => (us / 1000).toFixed(us < 10000 ? 3 : 1) + " ms";

  function laneOf(span, manyServices) {
    if (manyServices) return span.service;
    const file = span.attrs["code.file.path"] || "";
    const m = /^rocketmq_ref\/([a-z_]+)\//.exec(file);
    return `${span.service} · ${m ? m[1] : "other"}`;
  }

  function render(name, lines) {
    const spans = flatten(lines);
    if (!spans.length) throw new Error(`trace ${name} holds no spans`);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const kids = new Map();
    for (const s of spans.slice().sort((a, b) => a.start - b.start)) {
      const p = byId.has(s.parentSpanId) ? s.parentSpanId : null;
      if (!kids.has(p)) kids.set(p, []);
      kids.get(p).push(s);
    }
    const ordered = [];
    (function walk(parent, depth) {
      for (const s of kids.get(parent) || []) { s.depth = depth; ordered.push(s); walk(s.spanId, depth + 1); }
    })(null, 0);
    const t0 = Math.min(...spans.map((s) => s.start));
    const t1 = Math.max(...spans.map((s) => s.end));
    const total = Math.max(t1 - t0, 1);
    const services = new Set(spans.map((s) => s.service));
    const lanes = new Map();
    for (const s of ordered) {
      const key = laneOf(s, services.size > 1);
      if (!lanes.has(key)) lanes.set(key, []);
      lanes.get(key).push(s);
    }
    $("#title").textContent = `trace: ${name}`;
    $("#summary").textContent = `${spans.length} spans, ${services.size} service(s), ${lanes.size} lane(s), ${fmtMs(total)}`;
    document.title = `${name} — rocketmq-ref trace viewer`;
    const axis = $("#axis");
    for (let i = 0; i <= 4; i++) {
      axis.append(el("span", {style: `left:${i * 25}%`, text: fmtMs(total * i / 4)}));
    }
    const container = $("#lanes");
    for (const [key, laneSpans] of lanes) {
      const lane = el("div", {class: "lane", "data-lane": key}, el("div", {class: "lane-title", text: key}));
      for (const s of laneSpans) {
        const left = ((s.start - t0) / total) * 100;
        const width = Math.max(((s.end - s.start) / total) * 100, 0.15);
        const kind = KINDS[s.kind] || "INTERNAL";
        const bar = el("div", {class: `span-bar kind-${kind}` + ((s.status || {}).code === 2 ? " error" : ""),
                               style: `left:${left}%;width:${width}%`, title: `${s.name} ${fmtMs(s.end - s.start)}`});
        for (const ev of s.events || []) {
          const at = Number(BigInt(ev.timeUnixNano || "0") / 1000n);
          const pos = s.end > s.start ? ((at - s.start) / (s.end - s.start)) * 100 : 0;
          bar.append(el("span", {class: "event", style: `left:${pos}%`, title: ev.name}));
        }
        const row = el("div", {class: "span-row", "data-span-id": s.spanId, tabindex: "0"},
          el("div", {class: "span-label", style: `padding-left:${6 + s.depth * 14}px`, title: s.name, text: s.name}),
          el("div", {class: "span-track"}, bar));
        row.addEventListener("click", () => select(s, byId));
        row.addEventListener("keydown", (e) => { if (e.key === "Enter") select(s, byId); });
        s.bar = bar;
        lane.append(row);
      }
      container.append(lane);
    }
    const draw = () => drawLinks(spans, byId);
    draw();
    window.addEventListener("resize", draw);
    const wanted = params.get("span");
    if (wanted && byId.has(wanted)) select(byId.get(wanted), byId);
  }

  // producer-to-consumer (and any other) links: a dashed curve from the linked span to the linker
  function drawLinks(spans, byId) {
    const svg = $("#links");
    const box = $("#waterfall");
    const origin = box.getBoundingClientRect();
    svg.setAttribute("width", box.scrollWidth);
    svg.setAttribute("height", box.scrollHeight);
    svg.replaceChildren();
    for (const s of spans) {
      for (const link of s.links || []) {
        const from = byId.get(link.spanId);
        if (!from || !from.bar || !s.bar) continue;
        const a = from.bar.getBoundingClientRect();
        const b = s.bar.getBoundingClientRect();
        const x1 = a.right - origin.left + box.scrollLeft, y1 = a.top + a.height / 2 - origin.top + box.scrollTop;
        const x2 = b.left - origin.left + box.scrollLeft, y2 = b.top + b.height / 2 - origin.top + box.scrollTop;
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const mid = Math.max(30, Math.abs(x2 - x1) / 2);
        path.setAttribute("d", `M${x1},${y1} C${x1 + mid},${y1} ${x2 - mid},${y2} ${x2},${y2}`);
        path.setAttribute("class", "span-link");
        path.setAttribute("data-from", from.spanId);
        path.setAttribute("data-to", s.spanId);
        svg.append(path);
      }
    }
  }

  function select(s, byId) {
    document.querySelectorAll(".span-row.selected").forEach((r) => r.classList.remove("selected"));
    const row = document.querySelector(`.span-row[data-span-id="${s.spanId}"]`);
    if (row) row.classList.add("selected");
    const a = s.attrs;
    const links = el("div", {class: "links"});
    const file = a["code.file.path"], line = a["code.line.number"];
    if (file && line != null) {
      const target = file.startsWith("rocketmq_ref/") ? codeUrl(file, line) : null;
      links.append(target ? el("a", {id: "code-link", href: target, text: `code: ${file}:${line}`})
                          : el("span", {id: "code-link", text: `code: ${file}:${line}`}));
    }
    if (a["rocketmq_ref.java.method"]) {
      links.append(el("a", {id: "java-link", href: javaUrl(a["rocketmq_ref.java.method"]), target: "_blank",
                            rel: "noopener", text: `Java: ${a["rocketmq_ref.java.method"]}`}));
    }
    for (const id of a["rocketmq_ref.book.sections"] || []) {
      links.append(el("a", {class: "book-link", href: bookUrl(id), text: `book section ${id}`}));
    }
    const table = el("table", {class: "attributes"});
    const rowOf = (k, v) => table.append(el("tr", {}, el("td", {text: k}), el("td", {text: typeof v === "object" ? JSON.stringify(v) : String(v)})));
    rowOf("service", s.service);
    rowOf("kind", KINDS[s.kind] || s.kind);
    rowOf("duration", fmtMs(s.end - s.start));
    if (s.status && s.status.code) rowOf("status", `${s.status.code === 2 ? "ERROR" : "OK"} ${s.status.message || ""}`);
    if (byId.has(s.parentSpanId)) rowOf("parent", byId.get(s.parentSpanId).name);
    for (const [k, v] of Object.entries(a)) rowOf(k, v);
    const events = el("div", {class: "events"});
    for (const ev of s.events || []) {
      events.append(el("h3", {text: `event: ${ev.name}`}));
      const t = el("table");
      for (const [k, v] of Object.entries(kv(ev.attributes))) t.append(el("tr", {}, el("td", {text: k}), el("td", {text: String(v)})));
      events.append(t);
    }
    for (const link of s.links || []) {
      const from = byId.get(link.spanId);
      events.append(el("p", {class: "link-from", text: `linked from: ${from ? from.name : link.spanId + " (not in this file)"}`}));
    }
    $("#details").replaceChildren(el("h2", {text: s.name}), links, table, events);
  }

  function showIndex() {
    const names = window.ROCKETMQ_REF_TRACE_INDEX || [];
    const nav = $("#trace-list");
    nav.hidden = false;
    nav.append(el("p", {text: names.length ? "Recorded traces:" : "No recorded traces."}));
    for (const n of names) nav.append(el("a", {href: `?trace=${encodeURIComponent(n)}&base=${encodeURIComponent(base)}`, text: n}));
  }

  function fail(message) {
    const e = $("#error");
    e.hidden = false;
    e.textContent = message;
  }

  $("#home").setAttribute("href", `${base}index.html`);
  const name = params.get("trace");
  if (!name) { showIndex(); return; }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) { fail(`bad trace name ${name}`); return; }
  const script = el("script", {src: `traces/${name}.js`});
  script.onload = () => {
    try { render(name, (window.ROCKETMQ_REF_TRACES || {})[name] || []); }
    catch (err) { fail(String(err)); }
  };
  script.onerror = () => fail(`no recording traces/${name}.js`);
  document.body.append(script);
})();
