// The search page: Pagefind's UI in Chinese over the city-wide directory index, or over one
// district's full index (disclosures and reports too) once the resident picks a district.
(function () {
  "use strict";
  var box = document.getElementById("juwu-search");
  var picker = document.getElementById("juwu-search-district");
  if (!box || !picker) return;
  if (location.protocol === "file:" || typeof PagefindUI === "undefined") {
    var note = document.querySelector(".juwu-search-offline");
    if (note) note.hidden = false;
    return;
  }
  var root = new URL("../pagefind/", location.href).pathname;
  var params = new URLSearchParams(location.search);
  var translations = {
    placeholder: "搜索社区、姓名、收支、报告",
    clear_search: "清除",
    load_more: "显示更多结果",
    search_label: "搜索本站",
    filters_label: "筛选",
    zero_results: "没有找到与“[SEARCH_TERM]”相关的内容",
    many_results: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的结果",
    one_result: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的结果",
    alt_search: "没有找到与“[SEARCH_TERM]”相关的内容，以下是“[DIFFERENT_TERM]”的结果",
    search_suggestion: "没有找到与“[SEARCH_TERM]”相关的内容，请换个词试试：",
    searching: "正在搜索“[SEARCH_TERM]”……"
  };
  var ui = null;

  // Results name their community and period when the title does not already say so.
  function processResult(result) {
    var meta = result.meta || {};
    var title = meta.title || "";
    var extra = [];
    if (meta.community && title.indexOf(meta.community) === -1) extra.push(meta.community);
    if (meta.period && title.indexOf(meta.period) === -1) extra.push(meta.period);
    if (meta.place) extra.push(meta.place);
    if (extra.length) meta.title = title + "（" + extra.join(" · ") + "）";
    return result;
  }

  function start(bundle, query) {
    if (ui && ui.destroy) ui.destroy();
    box.innerHTML = "";
    ui = new PagefindUI({
      element: "#juwu-search",
      bundlePath: root + bundle + "/",
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      excerptLength: 40,
      translations: translations,
      processResult: processResult
    });
    if (query) ui.triggerSearch(query);
  }

  function currentQuery() {
    var input = box.querySelector("input");
    return input && input.value ? input.value : params.get("q");
  }

  // A district from ?d=, or from the page the resident came from (/c/<12 digits>/ etc.).
  function wantedDistrict() {
    if (params.get("d")) return params.get("d");
    try {
      var m = new URL(document.referrer).pathname.match(/\/(?:c|s|d)\/([0-9]{6})[0-9]*\//);
      return m ? m[1] : "all";
    } catch (e) { return "all"; }
  }

  fetch(root + "districts.json").then(function (r) { return r.json(); }).then(function (districts) {
    var wanted = wantedDistrict();
    districts.forEach(function (d) {
      var option = document.createElement("option");
      option.value = d.code;
      option.textContent = d.name;
      picker.appendChild(option);
    });
    picker.value = districts.some(function (d) { return d.code === wanted; }) ? wanted : "all";
    start(picker.value, params.get("q"));
  }).catch(function () { start("all", params.get("q")); });

  picker.addEventListener("change", function () { start(picker.value, currentQuery()); });
})();
