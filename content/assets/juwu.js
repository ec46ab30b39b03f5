/* Juwu: sortable, filterable tables. Progressive enhancement: without JavaScript the tables read
   the same, in the order the page was built. Nothing here fetches anything. */
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var n = Number(raw.replace(/,/g, "").replace(/%$/, ""));
    return raw !== "" && !isNaN(n) ? n : raw;
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), "zh-CN");
  }
  function sortable(table) {
    var body = table.tBodies[0];
    if (!body) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "juwu-sort";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", th.textContent + "：点击排序");
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[col]), key(r2.cells[col]));
          return up ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    var hint = table.getAttribute("data-juwu-filter");
    if (!hint) return;
    var label = document.createElement("label");
    label.className = "juwu-filter";
    label.textContent = "在表格中查找：";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = hint;
    label.appendChild(input);
    var wrap = table.closest(".md-typeset__table") || table;
    wrap.parentNode.insertBefore(label, wrap);
    input.addEventListener("input", function () {
      var q = input.value.trim();
      Array.prototype.forEach.call(body.rows, function (r) {
        r.hidden = q !== "" && r.textContent.indexOf(q) === -1;
      });
    });
  }
  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-juwu-sort]"), sortable);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
