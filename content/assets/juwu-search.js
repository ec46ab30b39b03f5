// The search page: Pagefind's engine (pagefind.js, loaded on first use) over the city-wide
// directory, or one district's pages once the resident picks the district. Each is indexed in
// bundles of a bounded number of pages (Pagefind's memory grows with a bundle: search.MAX_PAGES),
// listed in pagefind/districts.json; the engine loads the first and merges the others
// (mergeIndex), so one query searches them all. A small page of our own instead of Pagefind's
// 134 KB UI keeps the page within the weight budget.
//
// What a query lists (JuwuSearch.find, also what tests/browser/test_search_recall.py measures):
// 1. the pages holding it as typed: its words side by side (Pagefind's exact phrase, '"…"'), or
//    its characters side by side, as every document also spells its Chinese out one character at
//    a time (search.characters): Pagefind cuts 民生实事项目 into 民生 / 实 / 事项 / 目, so 实事,
//    typed alone, is found only that way;
// 2. the pages holding each of its words apart (物业费 → 物业服务费), never more than those of 1.;
// in Pagefind's own order (a word in a title weighs more than one in a list); then
// 3. at most NEAR pages holding part of it, said to be near. Pagefind alone returns every page
//    with any part of a query (月饼 → every page with 月): hundreds for a word on no page.
(function () {
  "use strict";
  var NEAR = 5;
  var FIRST = 20;  // results shown at once
  var KIND = "类别";

  function find(pagefind, query, filters) {
    filters = filters || {};
    if (/["\s]/.test(query)) {  // words apart or a phrase of the resident's own: as typed
      return pagefind.search(query, { filters: filters }).then(function (found) {
        return { exact: found.results, apart: [], near: [], listed: found.results, filters: found.filters || {} };
      });
    }
    var words = cut(query);
    var both = words.length > 1 && words.some(function (w) { return w.length > 1; });
    return Promise.all([
      pagefind.search('"' + query + '"', { filters: filters }),
      pagefind.search('"' + spell(query) + '"', { filters: filters }),
      pagefind.search(query, { filters: filters }),
    ].concat((both ? words : []).map(function (word) {
      return pagefind.search('"' + spell(word) + '"', { filters: filters });
    }))).then(function (searches) {
      var loose = searches[2].results;
      var exact = union([searches[0].results, searches[1].results]);
      var isExact = ids(exact);
      // Each of the query's words apart (物业费 → 物业服务费). A single character is on most
      // pages (快递员 → 快递费 … 人员: 64 pages of the demo city), so when the query has one, only
      // the best of those pages are listed, no more than the pages holding the query itself, and
      // none when no page holds it: never a flood.
      var rank = {};
      loose.forEach(function (r, i) { rank[r.id] = i; });
      var each = searches.slice(3).map(function (s) { return ids(s.results); });
      var apart = !both ? [] : union(searches.slice(3).map(function (s) { return s.results; })).filter(function (r) {
        return !isExact[r.id] && each.every(function (has) { return has[r.id]; });
      });
      if (words.some(function (w) { return w.length < 2; })) {
        apart = apart.filter(function (r) { return r.id in rank; })
          .sort(function (x, y) { return rank[x.id] - rank[y.id]; }).slice(0, exact.length);
      }
      var listed = exact.concat(apart).map(function (r, i) { return [r.id in rank ? rank[r.id] : loose.length + i, r]; })
        .sort(function (x, y) { return x[0] - y[0]; }).map(function (x) { return x[1]; });
      var isListed = ids(listed);
      var counts = searches[1].results.length >= searches[0].results.length ? searches[1] : searches[0];
      return namesFirst(query, listed).then(function (listed) {
        return { exact: exact, apart: apart, listed: listed, filters: counts.filters || {},
                 near: loose.filter(function (r) { return !isListed[r.id]; }).slice(0, NEAR) };
      });
    });
  }

  // A query that is a member's whole name (赵静) lists that member's community before those of
  // 赵静怡 and 赵静霞, which hold it too: among the first results (whose fragments the page loads
  // anyway), those whose committee lists the query as a name come first.
  function namesFirst(query, listed) {
    if (!/^[\u3400-\u9fff]{2,4}$/.test(query) || listed.length < 2) return Promise.resolve(listed);
    var named = new RegExp("[：、]" + query + "(、|$)");
    var head = listed.slice(0, FIRST);
    return Promise.all(head.map(function (r) { return r.data(); })).then(function (data) {
      var first = [], rest = [];
      head.forEach(function (r, i) { (named.test((data[i].meta || {}).summary || "") ? first : rest).push(r); });
      return first.concat(rest, listed.slice(FIRST));
    });
  }

  // 楼道灯 → "楼 道 灯": how the search documents spell their Chinese out for the index.
  function spell(text) {
    return text.replace(/([\u3400-\u9fff])(?=[\u3400-\u9fff])/g, "$1 ");
  }

  // The words the browser cuts a query into (物业管理 → 物业 / 管理); none when it is one word.
  function cut(query) {
    if (typeof Intl === "undefined" || !Intl.Segmenter) return [];
    var words = Array.from(new Intl.Segmenter("zh", { granularity: "word" }).segment(query))
      .filter(function (s) { return s.isWordLike; }).map(function (s) { return s.segment; });
    return words.length > 1 ? words : [];
  }

  function ids(results) {
    var found = {};
    results.forEach(function (r) { found[r.id] = true; });
    return found;
  }

  function union(lists) {
    var seen = {}, all = [];
    lists.forEach(function (list) {
      list.forEach(function (r) { if (!seen[r.id]) { seen[r.id] = true; all.push(r); } });
    });
    return all;
  }

  // Shorter words to try: the words the browser cuts the query into, or its two ends.
  function shorter(query) {
    var words = cut(query).filter(function (w) { return w.length >= 2; });
    var chars = Array.from(query.replace(/\s+/g, ""));
    if (!words.length && chars.length >= 3) words.push(chars.slice(0, 2).join(""), chars.slice(-2).join(""));
    return words.filter(function (w, i) { return words.indexOf(w) === i && w !== query; }).slice(0, 4);
  }

  // An excerpt from the characters spelled out for the index reads as text again (实 事 项 目 →
  // 实事项目); pieces marked one by one are marked as one.
  function readable(excerpt) {
    function single(token) { return /^[\u3400-\u9fff]$/.test(token.replace(/<\/?mark>/g, "")); }
    var out = "";
    (excerpt || "").split(" ").forEach(function (token, i, tokens) {
      if (i > 0) out += single(token) && single(tokens[i - 1]) ? "" : " ";
      out += token === "/" ? "…" : token;
    });
    return out.replace(/<\/mark><mark>/g, "");
  }

  // A group's bundles as one engine: the first bundle's, with the others merged into it (the
  // search page's engine(), and tests/browser/recall.py). Pagefind runs on the page itself, not in
  // its web worker: the worker is a second copy of pagefind.js (43 KB) for the phone to download
  // before the first result, to keep a search of a few milliseconds off the page's thread.
  function openBundles(base, names) {
    var options = { excerptLength: 30 };
    return import(base + names[0] + "/pagefind.js").then(function (pagefind) {
      return pagefind.options(Object.assign({ noWorker: true }, options)).then(function () {
        return pagefind.init();
      }).then(function () {
        return Promise.all(names.slice(1).map(function (name) {
          return pagefind.mergeIndex(base + name + "/", options);
        }));
      }).then(function () { return pagefind; });
    });
  }

  window.JuwuSearch = { find: find, shorter: shorter, readable: readable, open: openBundles, NEAR: NEAR };

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
  var SHOWN = FIRST;
  var root = new URL("../pagefind/", location.href).href;
  var params = new URLSearchParams(location.search);
  var engines = {};
  var bundles = {};  // "all" or a district's code → its Pagefind bundles (districts.json)
  var kinds = {};  // "all" or a district → the kinds of page it holds, with their counts
  var latest = 0;
  var asked = "";  // the search under way or last shown: query, district and kind
  var timer = null;

  function engine(group) {
    if (!engines[group]) engines[group] = openBundles(root, bundles[group] || [group]);
    return engines[group];
  }

  // The kind picker: each kind with how many pages of it hold the query (or the bundle holds).
  function showKinds(counts) {
    var wanted = kind.value;
    while (kind.options.length > 1) kind.remove(1);
    Object.keys(counts).sort().forEach(function (name) {
      kind.add(new Option(name + "（" + counts[name] + "）", name));
    });
    kind.value = Object.prototype.hasOwnProperty.call(counts, wanted) ? wanted : "";
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
      excerpt.innerHTML = readable(data.excerpt);  // Pagefind's excerpt: page text, escaped, with <mark>
    }
    li.appendChild(link);
    li.appendChild(excerpt);
    return li;
  }

  // Where the search looked: the district (or the whole city) and the kind, in words.
  function scope() {
    var option = picker.options[picker.selectedIndex];
    var where = option ? option.text.replace(/（.*）$/, "") : "全市";
    return kind.value ? where + "的" + kind.value : where;
  }

  function showShorter(words) {
    if (!suggest) return;
    suggest.replaceChildren();
    suggest.hidden = !words.length;
    if (!words.length) return;
    suggest.append("可以试试更短的词：");
    words.forEach(function (word) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "juwu-search-shorter__word";
      button.textContent = word;
      button.addEventListener("click", function () { input.value = word; run(); });
      suggest.append(button, " ");
    });
  }

  function describe(query, found) {
    var text = described(query, found);
    // The city-wide index holds communities, members and report titles only: say where the rest is.
    if (found.exact || picker.value !== "all") return text;
    return text.replace(/。?$/, "。") + "各社区每月的财务明细和监督报告全文，请在“范围”中选择一个区再搜索。";
  }

  function described(query, found) {
    var where = "在" + scope() + "中";
    var more = found.total > SHOWN ? "，显示前 " + SHOWN + " 条" : "";
    var near = found.near.length ? "；最后 " + found.near.length + " 条只含其中部分字词，仅供参考" : "";
    if (found.exact) {
      return where + "找到 " + found.exact + " 条包含“" + query + "”的结果" +
        (found.total > found.exact ? "，另有 " + (found.total - found.exact) + " 条分别含有其中各个词" : "") + more + near;
    }
    if (found.total) {
      return where + "没有找到包含“" + query + "”的内容；下面 " + found.total + " 条分别含有其中各个词" + more + near;
    }
    if (found.near.length) {
      return where + "没有找到包含“" + query + "”的内容。下面 " + found.near.length + " 条只含其中部分字词，仅供参考。";
    }
    return where + "没有找到包含“" + query + "”的内容。";
  }

  function run() {
    var query = input.value.trim();
    // The same search asked twice (typing's timer, then the district's kinds arriving): the
    // first is already under way, and a second would put "正在搜索" back over its answer.
    var key = [query, picker.value, kind.value].join("\u0000");
    if (query && key === asked) return;
    asked = query ? key : "";
    var mine = ++latest;
    if (!query) {
      message.textContent = "";
      list.replaceChildren();
      showShorter([]);
      if (kinds[picker.value]) showKinds(kinds[picker.value]);
      return;
    }
    message.textContent = "正在搜索“" + query + "”……";
    var all = Object.keys(kinds[picker.value] || {});
    engine(picker.value).then(function (pagefind) {
      // Counts per kind come from a search over every kind (Pagefind counts only when filtering).
      var counting = find(pagefind, query, all.length ? { "类别": { any: all } } : {});
      var chosen = kind.value ? find(pagefind, query, { "类别": kind.value }) : counting;
      return Promise.all([counting, chosen]);
    }).then(function (found) {
      var shown = found[1];
      var listed = shown.listed.slice(0, SHOWN), near = shown.near.slice(0, Math.max(0, SHOWN - listed.length));
      return Promise.all(listed.concat(near).map(function (r) { return r.data(); })).then(function (data) {
        return { counts: found[0].filters[KIND] || {}, total: shown.listed.length, exact: shown.exact.length,
                 listed: data.slice(0, listed.length), near: data.slice(listed.length) };
      });
    }).then(function (found) {
      if (mine !== latest) return;
      showKinds(found.counts);
      message.textContent = describe(query, found);
      showShorter(found.exact ? [] : shorter(query));
      list.replaceChildren.apply(list, found.listed.map(function (data) { return item(data, query, false); })
        .concat(found.near.map(function (data) { return item(data, query, true); })));
    }).catch(function () {
      if (mine !== latest) return;
      asked = "";  // the same words may be tried again
      message.textContent = "搜索暂时不可用，请从首页逐级查找。";
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
  fetch(root + "districts.json").then(function (r) { return r.json(); }).then(function (groups) {
    var wanted = wantedDistrict();
    bundles.all = groups.city;
    groups.districts.forEach(function (d) {
      bundles[d.code] = d.bundles;
      picker.add(new Option(d.name, d.code));
    });
    picker.value = groups.districts.some(function (d) { return d.code === wanted; }) ? wanted : "all";
  }).catch(function () {}).then(function () {
    input.value = params.get("q") || "";
    return loadKinds();
  }).then(run);
})();
