// The search page: Pagefind's engine (pagefind.js, loaded on first use) over the city-wide
// directory bundle, or one district's full bundle once the resident picks the district. A small
// page of our own instead of Pagefind's 134 KB UI keeps the page within the weight budget.
//
// What a query finds (JuwuSearch.find, also used by tests/browser/test_search_recall.py):
// first the pages where its words stand together as typed (Pagefind's exact phrase, '"…"'; since
// Pagefind 1.6 the page text and the query are cut into words the same way, so every page whose
// text holds the word is found), then at most NEAR pages that hold its words apart (物业费 →
// 物业服务费). Pagefind alone also returns pages holding only part of a query (月饼 → every page
// with 月), hundreds for a word that is on no page: those are shown only as a handful of near
// matches, said to be near, with shorter words to try.
(function () {
  "use strict";
  var NEAR = 5;
  var KIND = "类别";

  function find(pagefind, query, filters) {
    filters = filters || {};
    if (/["\s]/.test(query)) {  // words apart or a phrase of the resident's own: as typed
      return pagefind.search(query, { filters: filters }).then(function (found) {
        return { exact: found.results, near: [], filters: found.filters || {} };
      });
    }
    // The query's characters side by side, as the search documents also spell their text out
    // (search.characters): this finds the query wherever the page's words were cut differently.
    var spelled = query.replace(/([\u3400-\u9fff])(?=[\u3400-\u9fff])/g, "$1 ");
    var none = Promise.resolve({ results: [], filters: {} });
    return Promise.all([
      pagefind.search('"' + query + '"', { filters: filters }),
      spelled !== query ? pagefind.search('"' + spelled + '"', { filters: filters }) : none,
      pagefind.search(query, { filters: filters }),
    ]).then(function (searches) {
      var seen = {}, exact = [], near = [];
      searches[0].results.concat(searches[1].results).forEach(function (r) {
        if (!seen[r.id]) { seen[r.id] = true; exact.push(r); }
      });
      searches[2].results.forEach(function (r) { if (!seen[r.id]) near.push(r); });
      var counts = exact.length === searches[0].results.length ? searches[0] : searches[1];
      return { exact: exact, near: near.slice(0, NEAR), filters: counts.filters || {} };
    });
  }

  // Shorter words to try: the words the browser cuts the query into, or its halves.
  function shorter(query) {
    var words = [];
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(query)).forEach(function (s) {
        if (s.isWordLike && s.segment.length >= 2 && s.segment !== query) words.push(s.segment);
      });
    }
    var chars = Array.from(query.replace(/\s+/g, ""));
    if (!words.length && chars.length >= 3) {
      words.push(chars.slice(0, 2).join(""), chars.slice(-2).join(""));
    }
    return words.filter(function (w, i) { return words.indexOf(w) === i; }).slice(0, 4);
  }

  window.JuwuSearch = { find: find, shorter: shorter, NEAR: NEAR };

  var input = document.getElementById("juwu-search-input");
  var picker = document.getElementById("juwu-search-district");
  var kind = document.getElementById("juwu-search-kind");
  var message = document.getElementById("juwu-search-message");
  var list = document.getElementById("juwu-search-results");
  var suggest = document.getElementById("juwu-search-shorter");
  if (!input || !picker || !kind || !message || !list) return;
  if (location.protocol === "file:") {
    document.querySelector(".juwu-search-offline").hidden = false;
    input.disabled = picker.disabled = kind.disabled = true;
    return;
  }
  var SHOWN = 20;
  var root = new URL("../pagefind/", location.href).href;
  var params = new URLSearchParams(location.search);
  var engines = {};
  var kinds = {};  // bundle → the kinds of page it holds, with their counts
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

  // The kind picker: each kind with how many pages of it the query found (or the bundle holds).
  function showKinds(counts) {
    var wanted = kind.value;
    while (kind.options.length > 1) kind.remove(1);
    Object.keys(counts).sort().forEach(function (name) {
      kind.add(new Option(name + "（" + counts[name] + "）", name));
    });
    kind.value = counts.hasOwnProperty(wanted) ? wanted : "";
  }

  function loadKinds() {
    var bundle = picker.value;
    return engine(bundle).then(function (pagefind) { return pagefind.filters(); }).then(function (filters) {
      kinds[bundle] = filters[KIND] || {};
      showKinds(kinds[bundle]);
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

  function item(data, query, near) {
    var li = document.createElement("li");
    if (near) li.className = "juwu-result--near";
    var link = document.createElement("a");
    link.className = "juwu-result__link";
    link.href = data.url;
    link.textContent = title(data.meta || {});
    var excerpt = document.createElement("p");
    excerpt.className = "juwu-result__excerpt";
    var meta = data.meta || {};
    if (meta.summary && (meta.summary.indexOf(query) !== -1 || (meta.community || "").indexOf(query) !== -1)) {
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

  // Where the search looked: the district (or the whole city) and the kind, in words.
  function scope() {
    var where = picker.options[picker.selectedIndex] ? picker.options[picker.selectedIndex].text : "全市";
    where = where.replace(/（.*）$/, "");
    return kind.value ? where + "的" + kind.value : where;
  }

  function showShorter(query, words) {
    if (!suggest) return;
    suggest.replaceChildren();
    if (!words.length) { suggest.hidden = true; return; }
    suggest.append("可以试试更短的词：");
    words.forEach(function (word) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "juwu-search-shorter__word";
      button.textContent = word;
      button.addEventListener("click", function () { input.value = word; run(); });
      suggest.append(button, " ");
    });
    suggest.hidden = false;
  }

  function run() {
    var query = input.value.trim();
    var mine = ++latest;
    if (!query) {
      message.textContent = "";
      list.replaceChildren();
      showShorter(query, []);
      if (kinds[picker.value]) showKinds(kinds[picker.value]);
      return;
    }
    message.textContent = "正在搜索“" + query + "”……";
    var bundle = picker.value;
    var all = Object.keys(kinds[bundle] || {});
    engine(bundle).then(function (pagefind) {
      // Counts per kind come from a search over every kind (Pagefind counts only when filtering).
      var counting = find(pagefind, query, all.length ? { "类别": { any: all } } : {});
      var chosen = kind.value ? find(pagefind, query, { "类别": kind.value }) : counting;
      return Promise.all([counting, chosen]);
    }).then(function (found) {
      var counts = found[0].filters[KIND] || {};
      var shown = found[1];
      var exact = shown.exact.slice(0, SHOWN), near = shown.exact.length ? [] : shown.near;
      return Promise.all(exact.concat(near).map(function (r) { return r.data(); })).then(function (data) {
        return { counts: counts, total: shown.exact.length, exact: data.slice(0, exact.length),
                 near: data.slice(exact.length) };
      });
    }).then(function (found) {
      if (mine !== latest) return;
      showKinds(found.counts);
      var where = scope();
      if (found.total) {
        message.textContent = "在" + where + "中找到 " + found.total + " 条包含“" + query + "”的结果" +
          (found.total > SHOWN ? "，显示前 " + SHOWN + " 条" : "");
      } else if (found.near.length) {
        message.textContent = "在" + where + "中没有找到包含“" + query + "”的内容。下面 " + found.near.length +
          " 条只含其中部分字词，仅供参考。";
      } else {
        message.textContent = "在" + where + "中没有找到包含“" + query + "”的内容。";
      }
      showShorter(query, found.total ? [] : shorter(query));
      list.replaceChildren.apply(list, found.exact.map(function (data) { return item(data, query, false); })
        .concat(found.near.map(function (data) { return item(data, query, true); })));
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
