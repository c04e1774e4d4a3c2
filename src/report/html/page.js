// The summary table: click a header to sort, type to filter, a page of rows at a
// time, click a row to open its details. Only moves, hides and compares elements;
// never writes markup.
"use strict";
(function () {
  const PAGE = 200;
  const table = document.getElementById("connections");
  const all = Array.from(table.tBodies);
  const filter = document.getElementById("filter");
  const shownText = document.getElementById("shown");
  const pageText = document.getElementById("page");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  const expand = document.getElementById("expand");
  let rows = all;
  let page = 0;

  function rowText(body) {
    return body.rows[0].textContent.toLowerCase();
  }

  function detail(body) {
    return body.rows.length > 1 ? body.rows[1] : null;
  }

  function show() {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.min(page, pages - 1);
    const first = page * PAGE;
    const visible = new Set(rows.slice(first, first + PAGE));
    for (const body of all) {
      const hide = !visible.has(body);
      if (body.hidden !== hide) body.hidden = hide;
    }
    shownText.textContent = rows.length + " of " + all.length + " connections";
    pageText.textContent = "page " + (page + 1) + " of " + pages;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  function applyFilter() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    rows = all.filter((b) => words.every((w) => rowText(b).includes(w)));
    page = 0;
    show();
  }

  function sortBy(th, column) {
    const numeric = th.dataset.type === "num";
    const asc = !th.classList.contains("asc");
    for (const h of table.tHead.rows[0].cells) h.classList.remove("asc", "desc");
    th.classList.add(asc ? "asc" : "desc");
    const key = (b) => {
      const t = b.rows[0].cells[column].textContent;
      return numeric ? Number(t) || 0 : t.toLowerCase();
    };
    const keyed = all.map((b) => [key(b), Number(b.dataset.id), b]);
    keyed.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]) * (asc ? 1 : -1));
    all.length = 0;
    for (const [, , b] of keyed) {
      all.push(b);
      table.appendChild(b);
    }
    applyFilter();
  }

  for (const body of all) {
    body.rows[0].addEventListener("click", () => {
      const d = detail(body);
      if (d) d.hidden = !d.hidden;
    });
  }
  Array.from(table.tHead.rows[0].cells).forEach((th, i) =>
    th.addEventListener("click", () => sortBy(th, i))
  );
  filter.addEventListener("input", applyFilter);
  prev.addEventListener("click", () => { page -= 1; show(); });
  next.addEventListener("click", () => { page += 1; show(); });
  expand.addEventListener("click", () => {
    for (const b of rows.slice(page * PAGE, page * PAGE + PAGE)) {
      const d = detail(b);
      if (d) d.hidden = false;
    }
  });
  // #conn-7 in the address opens that connection.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.classList.contains("conn")) {
    page = Math.floor(rows.indexOf(target) / PAGE);
    const d = detail(target);
    if (d) d.hidden = false;
  }
  // What the page leaves out is said at its top too.
  const controls = document.getElementById("controls");
  for (const note of Array.from(document.querySelectorAll("footer .cap"))) {
    controls.before(note);
  }
  show();
  document.body.dataset.ready = "1";
})();
