// The search page: Pagefind's engine (pagefind.js, loaded on first use) over the city-wide
// directory bundle, or one district's full bundle once the resident picks the district. A small
// page of our own instead of Pagefind's 134 KB UI keeps the page within the weight budget.
(function () {
  "use strict";
  var input = document.getElementById("juwu-search-input");
  var picker = document.getElementById("juwu-search-district");
  var kind = document.getElementById("juwu-search-kind");
  var message = document.getElementById("juwu-search-message");
  var list = document.getElementById("juwu-search-results");
  if (!input || !picker || !kind || !message || !list) return;
  if (location.protocol === "file:") {
    document.querySelector(".juwu-search-offline").hidden = false;
    input.disabled = picker.disabled = kind.disabled = true;
    return;
  }
  var SHOWN = 20;
  var NAME_LIKE = /^[\u3400-\u9fff]{2,4}$/;

  function nameLike(query) {
    if (!NAME_LIKE.test(query) || typeof Intl === "undefined" || !Intl.Segmenter) return false;
    var pieces = Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(query));
    return pieces.every(function (s) { return s.segment.length === 1; });
  }
  var root = new URL("../pagefind/", location.href).href;
  var params = new URLSearchParams(location.search);
  var engines = {};
  var latest = 0;
  var timer = null;

  function engine(bundle) {
    if (!engines[bundle]) {
      engines[bundle] = import(root + bundle + "/pagefind.js").then(function (pagefind) {
        return pagefind.options({ excerptLength: 30 }).then(function () { return pagefind.init(); })
          .then(function () { return pagefind; });
      });
    }
    return engines[bundle];
  }

  // The kinds of page this bundle holds, with their counts.
  function loadKinds() {
    return engine(picker.value).then(function (pagefind) { return pagefind.filters(); }).then(function (filters) {
      var wanted = kind.value;
      var counts = filters["类别"] || {};
      while (kind.options.length > 1) kind.remove(1);
      Object.keys(counts).sort().forEach(function (name) {
        kind.add(new Option(name + "（" + counts[name] + "）", name));
      });
      kind.value = counts[wanted] ? wanted : "";
    });
  }

  // A result says which community and period it belongs to when its title does not.
  function title(meta) {
    var text = meta.title || "";
    var extra = [];
    if (meta.community && text.indexOf(meta.community) === -1) extra.push(meta.community);
    if (meta.period && text.indexOf(meta.period) === -1) extra.push(meta.period);
    if (meta.place) extra.push(meta.place);
    return extra.length ? text + "（" + extra.join(" · ") + "）" : text;
  }

  function item(data, query) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "juwu-result__link";
    link.href = data.url;
    link.textContent = title(data.meta || {});
    var excerpt = document.createElement("p");
    excerpt.className = "juwu-result__excerpt";
    var meta = data.meta || {};
    if (meta.summary && (nameLike(query) || (meta.community || "").indexOf(query) !== -1)) {
      // A community found by its name or a member's: who sits on its committee (the document
      // spells names out piece by piece for the index, which reads badly as an excerpt).
      excerpt.textContent = meta.summary;
    } else {
      excerpt.innerHTML = data.excerpt;  // Pagefind's excerpt: page text, escaped, with <mark>
    }
    li.appendChild(link);
    li.appendChild(excerpt);
    return li;
  }

  function run() {
    var query = input.value.trim();
    var mine = ++latest;
    if (!query) { message.textContent = ""; list.replaceChildren(); return; }
    message.textContent = "正在搜索“" + query + "”……";
    var filters = kind.value ? { "类别": kind.value } : {};
    engine(picker.value).then(function (pagefind) {
      // A short run of Chinese characters the browser can only cut into single characters is
      // usually a person's name: first the pages where those characters stand together (an
      // exact phrase), then everything else the query finds.
      var phrase = nameLike(query) ? pagefind.search('"' + query + '"', { filters: filters })
                                   : Promise.resolve({ results: [] });
      return Promise.all([phrase, pagefind.search(query, { filters: filters })]);
    }).then(function (searches) {
      var seen = {}, merged = [];
      searches[0].results.concat(searches[1].results).forEach(function (r) {
        if (!seen[r.id]) { seen[r.id] = true; merged.push(r); }
      });
      return Promise.all(merged.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (shown) { return [merged.length, shown]; });
    }).then(function (found) {
      if (mine !== latest) return;
      var count = found[0];
      message.textContent = count
        ? "找到 " + count + " 条与“" + query + "”相关的结果" + (count > SHOWN ? "，显示前 " + SHOWN + " 条" : "")
        : "没有找到与“" + query + "”相关的内容";
      list.replaceChildren.apply(list, found[1].map(function (data) { return item(data, query); }));
    }).catch(function () {
      if (mine === latest) message.textContent = "搜索暂时不可用，请从首页逐级查找。";
    });
  }

  // A district from ?d=, or from the page the resident came from (/c/<12 digits>/ etc.).
  function wantedDistrict() {
    if (params.get("d")) return params.get("d");
    try {
      var m = new URL(document.referrer).pathname.match(/\/(?:c|s|d)\/([0-9]{6})[0-9]*\//);
      return m ? m[1] : "all";
    } catch (e) { return "all"; }
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  document.getElementById("juwu-search-form").addEventListener("submit", function (event) {
    event.preventDefault();  // Enter searches at once, without reloading the page
    clearTimeout(timer);
    run();
  });
  picker.addEventListener("change", function () { loadKinds().then(run); });
  kind.addEventListener("change", run);
  fetch(root + "districts.json").then(function (r) { return r.json(); }).then(function (districts) {
    var wanted = wantedDistrict();
    districts.forEach(function (d) { picker.add(new Option(d.name, d.code)); });
    picker.value = districts.some(function (d) { return d.code === wanted; }) ? wanted : "all";
  }).catch(function () {}).then(function () {
    input.value = params.get("q") || "";
    return loadKinds();
  }).then(run);
})();
