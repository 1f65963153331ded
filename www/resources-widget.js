/*! resources-widget.js - a list of the resources of an ngx_http_resources
 * catalogue, to embed in any web page. No dependency, no build step (ES2017).
 *
 *   <script src="https://catalogue.example.org/www/resources-widget.js" defer></script>
 *   <div data-resources-api="https://catalogue.example.org/resources"
 *        data-resources-kw="QPV" data-resources-limit="5"></div>
 *
 * Its state (search, filters, year, order, page) lives in the page's URL
 * (data-resources-state: query, fragment or none), so that a search can be
 * shared and bookmarked and Back and Forward move through it; when its
 * element already holds the list that nginx rendered (format=html through
 * SSI), the widget takes it over.
 *
 * Every data-resources-* attribute is described in docs/widget.md.
 * This file is ASCII on purpose (non-ASCII text is written \uXXXX), so that it
 * works whatever charset the embedding page or the server declares.
 * BSD 2-Clause, like the rest of the project.
 */
(function () {
  'use strict';

  if (typeof window === 'undefined' || typeof document === 'undefined') {
    return;
  }

  // Included twice: the first copy does the work.
  if (window.ResourcesWidget && typeof window.ResourcesWidget.init === 'function') {
    window.ResourcesWidget.init();
    return;
  }

  var VERSION = '1.1.0';
  var SCRIPT = document.currentScript
    || document.querySelector('script[src*="resources-widget.js"]');

  // ---------------------------------------------------------------------
  // Texts

  function plural(n, one, many) {
    return n === 1 ? one : many;
  }

  var TEXTS = {
    fr: {
      locale: 'fr-FR',
      months: ['janvier', 'f\u00e9vrier', 'mars', 'avril', 'mai', 'juin', 'juillet',
        'ao\u00fbt', 'septembre', 'octobre', 'novembre', 'd\u00e9cembre'],
      region: 'Ressources',
      searchLabel: 'Rechercher dans les ressources',
      searchButton: 'Rechercher',
      keywords: 'Mots-cl\u00e9s',
      types: 'Types',
      clear: 'Effacer les filtres',
      count: function (n, f) {
        return n === 0 ? 'Aucune ressource' : f(n) + ' ' + plural(n, 'ressource', 'ressources');
      },
      found: function (n, f) {
        return n === 0 ? 'Aucune ressource trouv\u00e9e'
          : f(n) + ' ' + plural(n, 'ressource trouv\u00e9e', 'ressources trouv\u00e9es');
      },
      chip: function (v, n, f) {
        return v + ', ' + f(n) + ' ' + plural(n, 'ressource', 'ressources');
      },
      range: function (a, b, n, f) {
        return (a === b ? f(a) : f(a) + '\u2013' + f(b)) + ' sur ' + f(n);
      },
      rangeSpoken: function (a, b, n, f) {
        return a === b ? 'ressource ' + f(a) + ' sur ' + f(n)
          : 'ressources ' + f(a) + ' \u00e0 ' + f(b) + ' sur ' + f(n);
      },
      prev: 'Pr\u00e9c\u00e9dent',
      next: 'Suivant',
      pager: 'Pages de ressources',
      empty: 'Aucune ressource ne correspond \u00e0 cette recherche.',
      badSearch: 'Cette recherche ne peut pas \u00eatre faite (trop longue ?). Modifiez-la.',
      ignored: function (w) {
        return 'Seuls les 10 premiers mots ont \u00e9t\u00e9 cherch\u00e9s\u00a0; non pris en compte\u00a0: ' + w.join(' ');
      },
      unavailable: 'Le catalogue est momentan\u00e9ment indisponible.',
      fallback: 'Consulter les ressources',
      type: 'Type',
      date: 'Date',
      updated: function (s) { return 'mis \u00e0 jour en ' + s; },
      itemKeywords: 'Mots-cl\u00e9s',
      sortLabel: 'Trier par',
      sorts: {
        relevance: 'Pertinence',
        newest: 'Les plus r\u00e9centes',
        oldest: 'Les plus anciennes',
        title: 'Titre (de A \u00e0 Z)',
        updated: 'Derni\u00e8res mises \u00e0 jour'
      },
      yearLabel: 'Ann\u00e9e',
      allYears: 'Toutes les ann\u00e9es',
      yearOption: function (y, n, f) {
        return y + ' (' + f(n) + ' ' + plural(n, 'ressource', 'ressources') + ')';
      },
      period: function (a, b) {
        return a && b ? 'de ' + a + ' \u00e0 ' + b : a ? 'depuis ' + a : 'jusqu\u2019\u00e0 ' + b;
      },
      series: 'S\u00e9rie'
    },
    en: {
      locale: 'en-GB',
      months: ['January', 'February', 'March', 'April', 'May', 'June', 'July',
        'August', 'September', 'October', 'November', 'December'],
      region: 'Resources',
      searchLabel: 'Search the resources',
      searchButton: 'Search',
      keywords: 'Keywords',
      types: 'Types',
      clear: 'Clear the filters',
      count: function (n, f) {
        return n === 0 ? 'No resources' : f(n) + ' ' + plural(n, 'resource', 'resources');
      },
      found: function (n, f) {
        return n === 0 ? 'No resources found'
          : f(n) + ' ' + plural(n, 'resource found', 'resources found');
      },
      chip: function (v, n, f) {
        return v + ', ' + f(n) + ' ' + plural(n, 'resource', 'resources');
      },
      range: function (a, b, n, f) {
        return (a === b ? f(a) : f(a) + '\u2013' + f(b)) + ' of ' + f(n);
      },
      rangeSpoken: function (a, b, n, f) {
        return a === b ? 'resource ' + f(a) + ' of ' + f(n)
          : 'resources ' + f(a) + ' to ' + f(b) + ' of ' + f(n);
      },
      prev: 'Previous',
      next: 'Next',
      pager: 'Resource pages',
      empty: 'No resources match this search.',
      badSearch: 'This search cannot be run (too long?). Please change it.',
      ignored: function (w) { return 'Only the first 10 words were searched; not searched: ' + w.join(' '); },
      unavailable: 'The catalogue is temporarily unavailable.',
      fallback: 'Browse the resources',
      type: 'Type',
      date: 'Date',
      updated: function (s) { return 'updated ' + s; },
      itemKeywords: 'Keywords',
      sortLabel: 'Sort by',
      sorts: {
        relevance: 'Relevance',
        newest: 'Newest first',
        oldest: 'Oldest first',
        title: 'Title (A to Z)',
        updated: 'Recently updated'
      },
      yearLabel: 'Year',
      allYears: 'All years',
      yearOption: function (y, n, f) {
        return y + ' (' + f(n) + ' ' + plural(n, 'resource', 'resources') + ')';
      },
      period: function (a, b) {
        return a && b ? a + ' to ' + b : a ? 'since ' + a : 'until ' + b;
      },
      series: 'Series'
    }
  };

  var SUMMARY_MAX = 220;        // characters of a summary shown
  var CROP_WORDS = 30;          // words of a summary around a search's match
  var DEBOUNCE_MS = 350;        // typing pause before a search is sent
  var MAX_QUERY = 200;          // characters of the search box
  var MAX_VALUES = 16;          // kw and type values the API takes

  // The API's orders; relevance only means something with a search.
  var SORTS = ['relevance', 'newest', 'oldest', 'title', 'updated'];
  // The parameters of the state in the page's URL: the API's own names, so
  // that an SSI include given the page's query string shows the same list.
  var STATE_PARAMS = ['q', 'kw', 'type', 'series', 'from', 'to', 'sort', 'offset'];
  var PERIOD_RE = /^\d{4}(?:-(?:0[1-9]|1[0-2]))?$/;
  var YEAR_RE = /^\d{4}$/;

  // ---------------------------------------------------------------------
  // Helpers

  // An element; attributes with null/false values are left out; children
  // are nodes or strings (text nodes: never parsed as HTML).
  function h(tag, attrs) {
    var el = document.createElement(tag);
    var k, v, i, c;
    if (attrs) {
      for (k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (i = 2; i < arguments.length; i++) {
      c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return el;
  }

  function empty(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function splitList(s) {
    if (!s) return [];
    return s.split(',').map(function (x) { return x.trim(); })
      .filter(function (x) { return x !== ''; });
  }

  function intAttr(s, min, max, dflt) {
    if (s === undefined || s === null || !/^\s*\d+\s*$/.test(s)) return dflt;
    var n = parseInt(s, 10);
    return n < min ? min : n > max ? max : n;
  }

  function onOff(s, dflt) {
    if (s === undefined || s === null || s === '') return dflt;
    s = String(s).trim().toLowerCase();
    if (s === 'off' || s === 'false' || s === 'no' || s === '0') return false;
    if (s === 'on' || s === 'true' || s === 'yes' || s === '1') return true;
    return dflt;
  }

  // Case and accents aside, as the API compares keywords (close enough for
  // hiding the keywords the site fixed).
  function fold(s) {
    s = String(s).toLowerCase();
    return s.normalize ? s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : s;
  }

  // Only http(s) URLs (absolute, or relative to the page) become links.
  function safeUrl(s) {
    if (!s) return null;
    try {
      var u = new URL(s, document.baseURI);
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function truncate(s, max) {
    s = String(s).replace(/\s+/g, ' ').trim();
    if (s.length <= max) return s;
    var cut = s.slice(0, max);
    var sp = cut.lastIndexOf(' ');
    if (sp > max * 0.6) cut = cut.slice(0, sp);
    return cut.replace(/[\s,;:.\u2013-]+$/, '') + '\u2026';
  }

  // A text highlighted by the API (highlight=1): HTML-escaped by the
  // server, its matches in <mark> and </mark>.  It is never given to
  // innerHTML: it is cut at the marks, the five entities the server writes
  // are decoded, and the pieces become text nodes and <mark> elements, so
  // that nothing but a <mark> can come out of it, whatever it holds.
  var ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };

  function unescapeHtml(s) {
    return s.replace(/&(?:lt|gt|amp|quot|#39);/g, function (e) { return ENTITIES[e]; });
  }

  // The pieces of a highlighted text: [[text, marked], ...]; collapse:
  // white space collapsed, as the widget shows summaries.
  function markedPieces(html, collapse) {
    var s = collapse ? String(html).replace(/\s+/g, ' ').trim() : String(html);
    var parts = s.split(/(<mark>|<\/mark>)/);
    var out = [];
    var inMark = false;
    parts.forEach(function (x) {
      if (x === '<mark>') inMark = true;
      else if (x === '</mark>') inMark = false;
      else if (x !== '') out.push([unescapeHtml(x), inMark]);
    });
    return out;
  }

  // An element holding a highlighted text: text nodes and <mark>s only.
  function marked(el, html, collapse) {
    markedPieces(html, collapse).forEach(function (p) {
      el.appendChild(p[1] ? h('mark', { class: 'rw-mark', text: p[0] }) : document.createTextNode(p[0]));
    });
    return el;
  }

  var DATE_RE = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/;

  // "2024-02" and "2024-02-15" give "fevrier 2024" (month and year), "2024"
  // gives "2024".
  function monthYear(s, t) {
    var m = DATE_RE.exec(s || '');
    if (!m) return null;
    var month = m[2] ? parseInt(m[2], 10) : 0;
    if (month >= 1 && month <= 12) return t.months[month - 1] + ' ' + m[1];
    return m[1];
  }

  function isList(d) {
    return d && typeof d === 'object' && typeof d.total === 'number'
      && Array.isArray(d.items);
  }

  // Values trimmed, empty ones dropped, each once (folded), at most max.
  function cleanValues(list, max) {
    var seen = [];
    var out = [];
    list.forEach(function (v) {
      v = String(v).trim();
      if (v === '' || seen.indexOf(fold(v)) >= 0 || out.length >= max) return;
      seen.push(fold(v));
      out.push(v);
    });
    return out;
  }

  // The state of a widget: what the reader chose, as the API names it.
  function blankState(q) {
    return { q: q || '', kw: [], type: [], series: '', from: '', to: '', sort: '', offset: 0 };
  }

  function stateKey(s) {
    return JSON.stringify([s.q, s.kw, s.type, s.series, s.from, s.to, s.sort, s.offset]);
  }

  // GET a JSON document without credentials: {ok, status, data} (data null
  // when the body is not JSON); rejects on a network error or an abort.
  function getJson(url, signal) {
    return fetch(url, {
      method: 'GET',
      mode: 'cors',
      credentials: 'omit',
      headers: { Accept: 'application/json' },
      signal: signal
    }).then(function (res) {
      return res.json().then(function (data) {
        return { ok: res.ok, status: res.status, data: data };
      }, function () {
        return { ok: false, status: res.status, data: null };
      });
    });
  }

  // The location's _meta (limits, link template), asked once per API for
  // all the widgets of the page; null when it cannot be had.
  var metas = {};

  function getMeta(api) {
    var u = new URL(api);
    u.search = '';
    u.hash = '';
    u.pathname = u.pathname.replace(/\/+$/, '') + '/_meta';
    var key = u.href;
    if (!metas[key]) {
      metas[key] = getJson(key).then(function (r) {
        return r.ok && r.data && typeof r.data === 'object' ? r.data : null;
      }, function () {
        return null;
      });
    }
    return metas[key];
  }

  // Which widget keeps its state in which part of the URL: one per mode and
  // prefix (the first one, in document order).
  var claimed = {};

  var counter = 0;

  // ---------------------------------------------------------------------
  // One widget: all of its state is here (several per page work).

  function Widget(root) {
    var d = root.dataset;
    this.root = root;
    this.uid = 'rw' + (++counter);
    this.lang = (d.resourcesLang || '').trim().toLowerCase() === 'en' ? 'en' : 'fr';
    this.t = TEXTS[this.lang];
    var nf = typeof Intl === 'object' && Intl.NumberFormat
      ? new Intl.NumberFormat(this.t.locale) : null;
    this.fmt = function (n) { return nf ? nf.format(n) : String(n); };
    this.apiText = (d.resourcesApi || '').trim();
    this.api = this.apiText ? safeUrl(this.apiText) : null;
    this.fixedKw = splitList(d.resourcesKw);
    this.fixedFolded = this.fixedKw.map(fold);
    this.fixedTypes = splitList(d.resourcesType);
    this.limit = intAttr(d.resourcesLimit, 1, 100, 0);
    this.linkTemplate = (d.resourcesLink || '').trim();
    this.linkBase = document.baseURI;
    this.withFacets = onOff(d.resourcesFacets, true);
    this.withSearch = onOff(d.resourcesSearch, true);
    this.withSort = onOff(d.resourcesSortControl, true);
    this.withYears = onOff(d.resourcesYearControl, true);
    this.fallbackUrl = safeUrl((d.resourcesFallback || '').trim()) || this.api;
    this.heading = 'h' + intAttr(d.resourcesHeading, 2, 6, 3);
    this.label = (d.resourcesLabel || '').trim() || this.t.region;
    this.attrQ = (d.resourcesQ || '').trim().slice(0, MAX_QUERY);
    // an order given in the API's URL is the default one
    this.baseSort = '';
    if (this.api) {
      var bs = new URL(this.api).searchParams.get('sort');
      if (SORTS.indexOf(bs) >= 0) this.baseSort = bs;
    }

    // where the state lives: the page's query string (the default), its
    // fragment, or nowhere
    var mode = (d.resourcesState || '').trim().toLowerCase();
    this.mode = mode === 'fragment' || mode === 'none' ? mode : 'query';
    var prefix = (d.resourcesStatePrefix || '').trim();
    this.prefix = /^[A-Za-z0-9_.-]{1,32}$/.test(prefix) ? prefix : '';
    if (this.mode !== 'none') {
      var key = this.mode + ':' + this.prefix;
      if (claimed[key]) {
        if (window.console) {
          window.console.warn('resources-widget: another widget already keeps its state in the page\'s '
            + this.mode + (this.prefix ? ' with the prefix "' + this.prefix + '"' : '')
            + '; this one keeps it to itself (give it data-resources-state-prefix)', root);
        }
        this.mode = 'none';
      } else {
        claimed[key] = true;
      }
    }

    // the list nginx rendered into the element (format=html through SSI):
    // shown until the widget's first list replaces it
    this.ssiEl = root.querySelector('.resources[data-total]');
    if (!this.limit && this.ssiEl) {
      this.limit = intAttr(this.ssiEl.getAttribute('data-limit'), 1, 100, 0);
    }

    this.state = this.mode === 'none' ? blankState(this.attrQ) : this.stateFromUrl();
    if (this.mode !== 'none') {
      // a page size in the URL: the SSI include uses it too
      var ul = this.urlParams().get(this.prefix + 'limit');
      if (ul !== null && /^\d{1,9}$/.test(ul) && parseInt(ul, 10) >= 1) this.limit = Math.min(parseInt(ul, 10), 100);
    }
    if (!this.limit) this.limit = 10;

    this.seq = 0;
    this.controller = null;
    this.timer = 0;
    this.group = null;       // the control whose changes replace the history entry
    this.started = false;    // _meta answered (or failed)
    this.pendingWhy = null;
    this.loaded = false;
    this.lastData = null;
    this.years = null;       // [{value, count}] for the year control
    this.yearsFor = null;    // the request they answered

    this.build();
    if (!this.api) {
      this.fail('config');
      return;
    }
    if (this.mode !== 'none') {
      var self = this;
      var back = function () { self.restore(); };
      window.addEventListener('popstate', back);
      if (this.mode === 'fragment') window.addEventListener('hashchange', back);
    }
    this.start();
  }

  // ---------------------------------------------------------------------
  // The state in the page's URL

  // The parameters of the part of the URL that holds the state.
  Widget.prototype.urlParams = function () {
    var s;
    if (this.mode === 'fragment') {
      s = window.location.hash.replace(/^#/, '');
      if (s.indexOf('=') < 0) s = '';   // an anchor, not a state
    } else {
      s = window.location.search.replace(/^\?/, '');
    }
    return new URLSearchParams(s);
  };

  Widget.prototype.owns = function (name) {
    var pre = this.prefix;
    return name.slice(0, pre.length) === pre && STATE_PARAMS.indexOf(name.slice(pre.length)) >= 0;
  };

  // The state the URL describes; what it lacks is the default, what is not
  // valid is left out (the API would refuse it).
  Widget.prototype.stateFromUrl = function () {
    var p = this.urlParams();
    var pre = this.prefix;
    var fixedFolded = this.fixedFolded;
    var st = blankState(this.attrQ);
    var v;
    v = p.get(pre + 'q');
    if (v !== null) st.q = v.trim().slice(0, MAX_QUERY);
    // the site's own keywords are always there: not the reader's
    st.kw = cleanValues(p.getAll(pre + 'kw').filter(function (k) {
      return fixedFolded.indexOf(fold(k.trim())) < 0;
    }), MAX_VALUES - this.fixedKw.length);
    st.type = cleanValues(p.getAll(pre + 'type'), MAX_VALUES);
    // the site's own types, as the SSI include and its links repeat them
    var fixedTypes = this.fixedTypes.map(fold);
    if (st.type.length && st.type.length === fixedTypes.length && st.type.every(function (x) {
      return fixedTypes.indexOf(fold(x)) >= 0;
    })) {
      st.type = [];
    }
    v = (p.get(pre + 'series') || '').trim();
    if (v.length <= 1024) st.series = v;
    v = p.get(pre + 'from');
    if (v !== null && PERIOD_RE.test(v)) st.from = v;
    v = p.get(pre + 'to');
    if (v !== null && PERIOD_RE.test(v)) st.to = v;
    v = p.get(pre + 'sort');
    if (SORTS.indexOf(v) >= 0) st.sort = v;
    v = p.get(pre + 'offset');
    if (v !== null && /^\d{1,9}$/.test(v)) st.offset = parseInt(v, 10);
    return st;
  };

  // The page's URL with this state: the other parameters are kept as they
  // are, the state's follow them.
  Widget.prototype.stateUrl = function () {
    var self = this;
    var pre = this.prefix;
    var s = this.state;
    var out = new URLSearchParams();
    this.urlParams().forEach(function (v, k) {
      if (!self.owns(k)) out.append(k, v);
    });
    // an empty search is written when the element gives one (data-resources-q)
    if (s.q || this.attrQ) out.append(pre + 'q', s.q);
    s.kw.forEach(function (k) { out.append(pre + 'kw', k); });
    s.type.forEach(function (x) { out.append(pre + 'type', x); });
    if (s.series) out.append(pre + 'series', s.series);
    if (s.from) out.append(pre + 'from', s.from);
    if (s.to) out.append(pre + 'to', s.to);
    if (s.sort) out.append(pre + 'sort', s.sort);
    if (s.offset) out.append(pre + 'offset', String(s.offset));
    var str = out.toString();
    var u = new URL(window.location.href);
    if (this.mode === 'fragment') u.hash = str ? '#' + str : '';
    else u.search = str ? '?' + str : '';
    return u.href;
  };

  // After a reader's action: a new history entry, or, for the next changes
  // of the same control (typing in the search box, arrows in a select), the
  // same one replaced, so that Back goes to the state before the control was
  // used. group: the control ('q', 'sort', 'year'), or null for a one-off
  // action; replace: true to replace the entry whatever the group.
  Widget.prototype.commit = function (group, replace) {
    var same = group && group === this.group;
    if (!replace) this.group = group || null;
    if (this.mode === 'none' || !window.history || !window.history.pushState) return;
    var href = this.stateUrl();
    if (href === window.location.href) return;
    try {
      if (replace || same) window.history.replaceState(window.history.state, '', href);
      else window.history.pushState(null, '', href);
    } catch (e) {
      // a sandboxed frame, a page of another origin in the URL: the state
      // stays in the widget
    }
  };

  // Back, Forward, or a fragment edited by hand: the state of the URL.
  Widget.prototype.restore = function () {
    var st = this.stateFromUrl();
    clearTimeout(this.timer);
    this.timer = 0;
    this.group = null;
    if (stateKey(st) === stateKey(this.state)) return;
    this.state = st;
    if (this.input) this.input.value = st.q;
    this.load('history');
  };

  // ---------------------------------------------------------------------
  // The elements

  Widget.prototype.build = function () {
    var t = this.t;
    var self = this;
    var root = this.root;
    var uid = this.uid;
    var ssi = this.ssiEl;

    if (ssi && ssi.parentNode) ssi.parentNode.removeChild(ssi);
    empty(root);
    root.classList.add('rw');
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', this.label);
    var docLang = (document.documentElement.getAttribute('lang') || '').toLowerCase();
    if (!root.hasAttribute('lang') && docLang.slice(0, 2) !== this.lang) {
      root.setAttribute('lang', this.lang);
    }

    // the search box
    if (this.withSearch) {
      this.input = h('input', {
        class: 'rw-input', type: 'search', id: uid + '-q', name: 'q',
        autocomplete: 'off', spellcheck: 'false', maxlength: MAX_QUERY,
        enterkeyhint: 'search'
      });
      this.input.value = this.state.q;
      this.form = h('form', { class: 'rw-search', role: 'search', 'aria-label': t.searchLabel },
        h('label', { class: 'rw-search-label', for: uid + '-q', text: t.searchLabel }),
        this.input,
        h('button', { class: 'rw-button rw-search-button', type: 'submit', text: t.searchButton }));
      this.form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        self.search(true);
      });
      this.input.addEventListener('input', function () {
        clearTimeout(self.timer);
        self.timer = setTimeout(function () {
          self.timer = 0;
          self.search(false);
        }, DEBOUNCE_MS);
      });
      // leaving the box ends the typing: the next one is a new entry
      this.input.addEventListener('blur', function () {
        if (self.timer) self.search(false);
        if (self.group === 'q') self.group = null;
      });
      root.appendChild(this.form);
    }

    // the order and the year
    if (this.withSort || this.withYears) {
      this.controlsEl = h('div', { class: 'rw-controls' });
      if (this.withSort) {
        this.sortSel = h('select', { class: 'rw-select rw-sort', id: uid + '-sort', name: 'sort' });
        this.sortSel.addEventListener('change', function () { self.sortChanged(); });
        this.sortSel.addEventListener('blur', function () { if (self.group === 'sort') self.group = null; });
        this.controlsEl.appendChild(h('div', { class: 'rw-control rw-control-sort' },
          h('label', { class: 'rw-control-label', for: uid + '-sort', text: t.sortLabel }),
          this.sortSel));
        this.renderSort();
      }
      if (this.withYears) {
        this.yearSel = h('select', { class: 'rw-select rw-year', id: uid + '-year', name: 'year' });
        this.yearSel.addEventListener('change', function () { self.yearChanged(); });
        this.yearSel.addEventListener('blur', function () { if (self.group === 'year') self.group = null; });
        this.yearBox = h('div', { class: 'rw-control rw-control-year' },
          h('label', { class: 'rw-control-label', for: uid + '-year', text: t.yearLabel }),
          this.yearSel);
        this.controlsEl.appendChild(this.yearBox);
        this.renderYears();
      }
      root.appendChild(this.controlsEl);
    }

    // the filters (keyword and type chips)
    if (this.withFacets) {
      this.facetsEl = h('div', { class: 'rw-facets', hidden: true });
      this.facetsEl.addEventListener('click', function (ev) {
        var b = ev.target.closest ? ev.target.closest('button[data-rw-facet]') : null;
        if (b && self.facetsEl.contains(b)) self.toggle(b.getAttribute('data-rw-facet'), b.getAttribute('data-rw-value'));
      });
      root.appendChild(this.facetsEl);
    }

    // count, clear button, live region
    this.totalEl = h('p', { class: 'rw-total', tabindex: '-1' });
    this.clearBtn = h('button', { class: 'rw-button rw-clear', type: 'button', hidden: true, text: t.clear });
    this.clearBtn.addEventListener('click', function () { self.clearFilters(); });
    this.bar = h('div', { class: 'rw-bar', hidden: true }, this.totalEl, this.clearBtn);
    root.appendChild(this.bar);
    // the words of a long search that the catalogue did not take
    this.ignoredEl = h('p', { class: 'rw-ignored', hidden: true });
    root.appendChild(this.ignoredEl);
    this.live = h('p', { class: 'rw-live rw-sr', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    root.appendChild(this.live);

    // the server's list stays where the widget's will be, until then
    if (ssi) root.appendChild(ssi);

    // the list
    this.list = h('ul', { class: 'rw-list', 'aria-busy': 'true', hidden: !!ssi });
    root.appendChild(this.list);
    this.emptyEl = h('p', { class: 'rw-empty', hidden: true });
    root.appendChild(this.emptyEl);

    // paging
    this.prevBtn = h('button', { class: 'rw-button rw-prev', type: 'button', 'aria-disabled': 'true', text: t.prev });
    this.nextBtn = h('button', { class: 'rw-button rw-next', type: 'button', 'aria-disabled': 'true', text: t.next });
    this.rangeEl = h('span', { class: 'rw-range' });
    this.prevBtn.addEventListener('click', function () { self.page(-1); });
    this.nextBtn.addEventListener('click', function () { self.page(1); });
    this.pager = h('nav', { class: 'rw-pager', 'aria-label': t.pager, hidden: true },
      this.prevBtn, this.rangeEl, this.nextBtn);
    root.appendChild(this.pager);

    // the error message (replaces the rest when the API cannot be used)
    this.errorEl = h('div', { class: 'rw-error', hidden: true });
    root.appendChild(this.errorEl);
  };

  // ---------------------------------------------------------------------
  // Requests

  // The filters of the state, on the API's parameters p; period: with from
  // and to.
  Widget.prototype.filters = function (p, period) {
    var s = this.state;
    this.fixedKw.concat(s.kw).forEach(function (k) { p.append('kw', k); });
    (s.type.length ? s.type : this.fixedTypes).forEach(function (x) { p.append('type', x); });
    if (s.q) p.set('q', s.q);
    if (s.series) p.set('series', s.series);
    if (period && s.from) p.set('from', s.from);
    if (period && s.to) p.set('to', s.to);
  };

  // The API request for the current state.
  Widget.prototype.url = function () {
    var u = new URL(this.api);
    var p = u.searchParams;
    var s = this.state;
    this.filters(p, true);
    if (s.sort && (s.sort !== 'relevance' || s.q)) p.set('sort', s.sort);
    p.set('limit', String(this.limit));
    if (s.offset) p.set('offset', String(s.offset));
    if (this.withFacets) p.set('facets', 'kw,type');
    // with a search, the words found are marked in the titles and summaries
    if (s.q) {
      p.set('highlight', '1');
      p.set('crop', String(CROP_WORDS));
    }
    return u.href;
  };

  // The years of the year control: those of the current filters, the year
  // aside (so that the other years stay offered once one is chosen).
  Widget.prototype.yearsUrl = function () {
    var u = new URL(this.api);
    var p = u.searchParams;
    p.delete('from');
    p.delete('to');
    this.filters(p, false);
    p.set('limit', '0');
    p.set('facets', 'year');
    p.set('facet_limit', '100');
    return u.href;
  };

  // Where a resource's title links to: data-resources-link, else the
  // location's resources_link (from _meta), else the API's lookup.
  Widget.prototype.itemUrl = function (id) {
    var enc = encodeURIComponent(id);
    if (this.linkTemplate) {
      var u = null;
      try {
        u = new URL(this.linkTemplate.split('{id}').join(enc), this.linkBase);
      } catch (e) {
        u = null;
      }
      if (u && (u.protocol === 'http:' || u.protocol === 'https:')) return u.href;
    }
    var a = new URL(this.api);
    a.search = '';
    a.hash = '';
    a.pathname = a.pathname.replace(/\/+$/, '') + '/' + enc;
    return a.href;
  };

  // First the location's _meta: its limit and its link template.
  Widget.prototype.start = function () {
    var self = this;
    getMeta(this.api).then(function (meta) {
      if (meta) {
        var lim = meta.limits;
        if (lim && typeof lim.max === 'number' && lim.max >= 1 && self.limit > lim.max) {
          self.limit = Math.floor(lim.max);
        }
        if (!self.linkTemplate && typeof meta.link === 'string' && meta.link) {
          self.linkTemplate = meta.link;
          self.linkBase = self.api;
        }
      }
      self.started = true;
      self.load(self.pendingWhy || 'init');
    });
  };

  Widget.prototype.search = function (now) {
    clearTimeout(this.timer);
    this.timer = 0;
    if (!this.input) return;
    var q = this.input.value.trim().slice(0, MAX_QUERY);
    if (q === this.state.q && !now) return;
    this.state.q = q;
    this.state.offset = 0;
    if (!q && this.state.sort === 'relevance') this.state.sort = '';
    this.commit('q');
    if (now) this.group = null;
    this.load('search');
  };

  Widget.prototype.toggle = function (facet, value) {
    var s = this.state;
    var i;
    if (facet === 'kw') {
      i = s.kw.indexOf(value);
      if (i >= 0) s.kw.splice(i, 1);
      else if (this.fixedKw.length + s.kw.length < MAX_VALUES) s.kw.push(value);
    } else if (facet === 'type') {
      // a type restricts to it; pressed again, it is let go
      i = s.type.indexOf(value);
      if (i >= 0) s.type.splice(i, 1);
      else s.type = [value];
    } else if (facet === 'series') {
      s.series = '';
    } else {
      return;
    }
    s.offset = 0;
    this.commit(null);
    this.load('filter');
  };

  Widget.prototype.clearFilters = function () {
    var s = this.state;
    s.kw = [];
    s.type = [];
    s.series = '';
    s.from = '';
    s.to = '';
    s.offset = 0;
    this.focusAfter = this.input || this.totalEl;
    this.commit(null);
    this.load('filter');
  };

  // The order the API uses when none is asked.
  Widget.prototype.defaultSort = function () {
    if (this.baseSort && (this.baseSort !== 'relevance' || this.state.q)) return this.baseSort;
    return this.state.q ? 'relevance' : 'newest';
  };

  Widget.prototype.sortChanged = function () {
    var v = this.sortSel.value;
    if (SORTS.indexOf(v) < 0) return;
    this.state.sort = v === this.defaultSort() ? '' : v;
    this.state.offset = 0;
    this.commit('sort');
    this.load('sort');
  };

  Widget.prototype.yearChanged = function () {
    var v = this.yearSel.value;
    if (v !== '' && !YEAR_RE.test(v)) return;   // the period of the URL, as it is
    this.state.from = v;
    this.state.to = v;
    this.state.offset = 0;
    this.commit('year');
    this.load('year');
  };

  Widget.prototype.page = function (dir) {
    var d = this.lastData;
    if (!d) return;
    var btn = dir < 0 ? this.prevBtn : this.nextBtn;
    if (btn.getAttribute('aria-disabled') === 'true') return;
    var off = this.state.offset + dir * this.limit;
    if (off < 0) off = 0;
    if (off >= d.total) return;
    this.state.offset = off;
    this.commit(null);
    this.load('page');
  };

  Widget.prototype.load = function (why) {
    var self = this;
    if (!this.started) {
      // the first request waits for the location's limit
      this.pendingWhy = why;
      return;
    }
    var seq = ++this.seq;
    if (this.controller) this.controller.abort();
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    this.controller = ctrl;
    var signal = ctrl ? ctrl.signal : undefined;
    this.list.setAttribute('aria-busy', 'true');
    this.root.classList.add('rw-loading');

    // the years, when the filters they depend on changed
    var yearsUrl = this.yearSel ? this.yearsUrl() : null;
    var years = yearsUrl && yearsUrl !== this.yearsFor
      ? getJson(yearsUrl, signal).then(function (r) {
        var f = r.ok && r.data && r.data.facets;
        return f && Array.isArray(f.year) ? { url: yearsUrl, years: f.year } : null;
      }, function () {
        return null;
      })
      : Promise.resolve(null);

    return getJson(this.url(), signal).then(function (r) {
      return years.then(function (y) {
        if (seq !== self.seq) return;
        if (y) {
          self.years = y.years;
          self.yearsFor = y.url;
        }
        if (r.ok && isList(r.data)) {
          self.render(r.data, why);
        } else if (r.status === 400 && r.data && r.data.error && self.loaded) {
          self.fail('search');
        } else {
          self.fail('http');
        }
      });
    }, function (err) {
      // network error, CORS refusal, or aborted by a newer request
      if (seq !== self.seq) return;
      self.fail(err && err.name === 'AbortError' ? 'abort' : 'network');
    }).then(function () {
      if (seq !== self.seq) return;
      self.controller = null;
      self.list.removeAttribute('aria-busy');
      self.root.classList.remove('rw-loading');
    });
  };

  Widget.prototype.announce = function (text) {
    // the same text twice would not be announced again: vary it invisibly
    if (this.live.textContent === text) text += '\u00a0';
    this.live.textContent = text;
  };

  Widget.prototype.render = function (data, why) {
    var t = this.t;
    var fmt = this.fmt;
    var self = this;
    var s = this.state;
    var total = data.total;
    var offset = typeof data.offset === 'number' ? data.offset : s.offset;
    var items = data.items;

    // a page past the end (the catalogue shrank, an old link): the last one
    if (items.length === 0 && total > 0 && offset > 0) {
      s.offset = Math.max(0, Math.floor((total - 1) / this.limit) * this.limit);
      this.commit(this.group, true);
      this.load(why);
      return;
    }

    // the server's list goes; the focus that was in it goes to the same
    // resource in the widget's
    var focusId = null;
    var ssi = this.ssiEl;
    if (ssi) {
      var active = document.activeElement;
      if (active && ssi.contains(active)) {
        var li = active.closest ? active.closest('[data-id]') : null;
        focusId = li ? li.getAttribute('data-id') : '';
      }
      if (ssi.parentNode) ssi.parentNode.removeChild(ssi);
      this.ssiEl = null;
      this.root.classList.remove('rw-static');
    }

    this.loaded = true;
    this.lastData = data;
    this.errorEl.hidden = true;
    empty(this.errorEl);
    if (this.form) this.form.hidden = false;
    if (this.controlsEl) this.controlsEl.hidden = false;

    // the count and the clear button
    this.bar.hidden = false;
    this.totalEl.textContent = t.count(total, fmt);
    this.clearBtn.hidden = !(s.kw.length || s.type.length || s.series || s.from || s.to);
    var ignored = data.query && data.query.ignored ? data.query.ignored : [];
    this.ignoredEl.hidden = ignored.length === 0;
    this.ignoredEl.textContent = ignored.length ? t.ignored(ignored) : '';

    // the items
    empty(this.list);
    items.forEach(function (it) { self.list.appendChild(self.item(it)); });
    this.list.hidden = items.length === 0;
    this.emptyEl.hidden = items.length !== 0;
    this.emptyEl.textContent = items.length ? '' : t.empty;

    // paging
    var first = offset + 1;
    var last = offset + items.length;
    var paged = total > this.limit || offset > 0;
    this.pager.hidden = !paged;
    if (paged) {
      this.rangeEl.textContent = items.length ? t.range(first, last, total, fmt) : '';
      this.prevBtn.setAttribute('aria-disabled', offset <= 0 ? 'true' : 'false');
      this.nextBtn.setAttribute('aria-disabled', last >= total ? 'true' : 'false');
    }

    // the controls and the filters
    this.renderSort();
    this.renderYears();
    if (this.facetsEl) this.renderFacets(data.facets || {}, total);

    var said = t.found(total, fmt);
    if (paged && items.length) said += ', ' + t.rangeSpoken(first, last, total, fmt);
    this.announce(said);

    if (focusId !== null) {
      var links = this.list.querySelectorAll('.rw-item');
      this.focusAfter = this.totalEl;
      for (var i = 0; i < links.length; i++) {
        if (links[i].getAttribute('data-rw-id') === focusId) {
          this.focusAfter = links[i].querySelector('.rw-title a') || this.totalEl;
          break;
        }
      }
    }
    if (this.focusAfter) {
      var f = this.focusAfter;
      this.focusAfter = null;
      if (f.isConnected !== false && !f.hidden) f.focus();
    }
  };

  Widget.prototype.item = function (it) {
    var t = this.t;
    var title = typeof it.title === 'string' && it.title ? it.title : String(it.id);
    var meta = h('p', { class: 'rw-meta' });
    var parts = [];
    var when = monthYear(it.date, t);
    if (when) {
      parts.push(h('time', { class: 'rw-date', datetime: it.date, text: when }));
    } else if (it.updated && monthYear(it.updated, t)) {
      parts.push(h('time', { class: 'rw-date', datetime: it.updated, text: t.updated(monthYear(it.updated, t)) }));
    }
    if (it.type) parts.push(h('span', { class: 'rw-type', text: String(it.type) }));
    parts.forEach(function (p, i) {
      if (i) meta.appendChild(h('span', { class: 'rw-sep', 'aria-hidden': 'true', text: ' \u00b7 ' }));
      meta.appendChild(p);
    });

    // highlight=1 (with a search): the title and summary with their marks
    var hl = it.highlight && typeof it.highlight === 'object' ? it.highlight : {};
    var link = h('a', { href: this.itemUrl(String(it.id)) });
    if (typeof hl.title === 'string' && hl.title) marked(link, hl.title, false);
    else link.textContent = title;

    var art = h('article', { class: 'rw-article' },
      h(this.heading, { class: 'rw-title' }, link),
      parts.length ? meta : null);

    if (typeof it.summary === 'string' && it.summary.trim()) {
      var full = it.summary.replace(/\s+/g, ' ').trim();
      var short;
      if (typeof hl.summary === 'string' && hl.summary) {
        // cut by the API around the first match (crop)
        var sum = marked(h('p', { class: 'rw-summary' }), hl.summary, true);
        short = sum.textContent;
        if (short !== full) sum.setAttribute('title', full);
        art.appendChild(sum);
      } else {
        short = truncate(full, SUMMARY_MAX);
        art.appendChild(h('p', { class: 'rw-summary', title: short !== full ? full : null, text: short }));
      }
    }

    if (Array.isArray(it.keywords) && it.keywords.length) {
      var kws = h('ul', { class: 'rw-keywords', 'aria-label': t.itemKeywords });
      it.keywords.forEach(function (k) {
        kws.appendChild(h('li', { class: 'rw-keyword', text: String(k) }));
      });
      art.appendChild(kws);
    }

    return h('li', { class: 'rw-item', 'data-rw-id': String(it.id) }, art);
  };

  // The order: relevance is offered with a search only.
  Widget.prototype.renderSort = function () {
    var sel = this.sortSel;
    if (!sel) return;
    var t = this.t;
    var s = this.state;
    var keys = s.q ? SORTS : SORTS.slice(1);
    if (sel.getAttribute('data-rw-sorts') !== keys.join(',')) {
      empty(sel);
      keys.forEach(function (k) { sel.appendChild(h('option', { value: k, text: t.sorts[k] })); });
      sel.setAttribute('data-rw-sorts', keys.join(','));
    }
    var v = s.sort && (s.sort !== 'relevance' || s.q) ? s.sort : this.defaultSort();
    sel.value = v;
  };

  // The years of the current results, newest first, with their counts; a
  // period of the URL that is not one year is shown as it is.
  Widget.prototype.renderYears = function () {
    var sel = this.yearSel;
    if (!sel) return;
    var t = this.t;
    var fmt = this.fmt;
    var s = this.state;
    var single = s.from && s.from === s.to && YEAR_RE.test(s.from) ? s.from : '';
    var other = (s.from || s.to) && !single;
    var years = (this.years || []).filter(function (y) {
      return y && typeof y.value === 'string' && YEAR_RE.test(y.value) && typeof y.count === 'number';
    }).map(function (y) { return { value: y.value, count: y.count }; });
    if (single && !years.some(function (y) { return y.value === single; })) {
      years.push({ value: single, count: null });
    }
    years.sort(function (a, b) { return a.value < b.value ? 1 : a.value > b.value ? -1 : 0; });
    empty(sel);
    sel.appendChild(h('option', { value: '', text: t.allYears }));
    years.forEach(function (y) {
      sel.appendChild(h('option', {
        value: y.value,
        text: y.count === null ? y.value : t.yearOption(y.value, y.count, fmt)
      }));
    });
    if (other) sel.appendChild(h('option', { value: '*', text: t.period(s.from, s.to) }));
    sel.value = other ? '*' : single;
    this.yearBox.hidden = sel.options.length < 2;
  };

  Widget.prototype.renderFacets = function (facets, total) {
    var self = this;
    var t = this.t;
    var s = this.state;

    // keep the keyboard focus on the chip that was pressed
    var active = document.activeElement;
    var keep = null;
    if (active && this.facetsEl.contains(active) && active.hasAttribute('data-rw-facet')) {
      keep = [active.getAttribute('data-rw-facet'), active.getAttribute('data-rw-value')];
    }

    empty(this.facetsEl);
    var shown = 0;

    // the series of the URL (series=), which only the URL sets: a chip to
    // let it go
    var groups = [['kw', t.keywords], ['type', t.types]];
    if (s.series) {
      facets = Object.assign({}, facets, { series: [{ value: s.series, count: total }] });
      groups.push(['series', t.series]);
    }

    groups.forEach(function (g) {
      var name = g[0];
      var values = Array.isArray(facets[name]) ? facets[name].slice() : [];
      // a chosen value the facets no longer list (from the URL) stays shown
      var chosen = name === 'kw' ? s.kw : name === 'type' ? s.type : [];
      chosen.forEach(function (v) {
        if (!values.some(function (f) { return f && f.value === v; })) values.push({ value: v, count: total });
      });
      var chips = [];
      values.forEach(function (f) {
        if (!f || typeof f.value !== 'string' || typeof f.count !== 'number') return;
        var pressed = name === 'series' || chosen.indexOf(f.value) >= 0;
        // the site's own keywords are always on; a value every result has
        // would change nothing
        if (name === 'kw' && self.fixedFolded.indexOf(fold(f.value)) >= 0) return;
        if (!pressed && f.count >= total) return;
        chips.push(h('li', null,
          h('button', {
            class: 'rw-chip', type: 'button',
            'aria-pressed': pressed ? 'true' : 'false',
            'aria-label': t.chip(f.value, f.count, self.fmt),
            'data-rw-facet': name, 'data-rw-value': f.value
          },
          h('span', { class: 'rw-chip-value', text: f.value }),
          ' ',
          h('span', { class: 'rw-chip-count', 'aria-hidden': 'true', text: self.fmt(f.count) }))));
      });
      if (!chips.length) return;
      var labelId = self.uid + '-' + name;
      var ul = h('ul', { class: 'rw-chips' });
      chips.forEach(function (c) { ul.appendChild(c); });
      self.facetsEl.appendChild(h('div', { class: 'rw-facet rw-facet-' + name, role: 'group', 'aria-labelledby': labelId },
        h('span', { class: 'rw-facet-label', id: labelId, text: g[1] }),
        ul));
      shown++;
    });

    this.facetsEl.hidden = shown === 0;

    if (keep) {
      var again = null;
      var buttons = this.facetsEl.querySelectorAll('button[data-rw-facet]');
      for (var i = 0; i < buttons.length; i++) {
        if (buttons[i].getAttribute('data-rw-facet') === keep[0]
            && buttons[i].getAttribute('data-rw-value') === keep[1]) {
          again = buttons[i];
          break;
        }
      }
      (again || this.totalEl).focus();
    }
  };

  // kind: 'http', 'network', 'config' (the API cannot be used: show the
  // fallback link), 'search' (the API refused this search), 'abort'.
  Widget.prototype.fail = function (kind) {
    var t = this.t;
    if (kind === 'abort') return;

    // the server's list is still there and usable: the widget steps aside
    if (this.ssiEl && !this.loaded) {
      [this.form, this.controlsEl, this.facetsEl, this.bar, this.list, this.emptyEl, this.pager].forEach(function (el) {
        if (el) el.hidden = true;
      });
      this.root.classList.add('rw-static');
      if (window.console) {
        window.console.warn('resources-widget: the API cannot be used (' + kind + '); the list in the page stays', this.root);
      }
      return;
    }

    empty(this.errorEl);
    this.errorEl.hidden = false;

    if (kind === 'search') {
      this.errorEl.appendChild(h('p', { class: 'rw-error-text', text: t.badSearch }));
      this.lastData = null;
      [this.bar, this.list, this.emptyEl, this.pager].forEach(function (el) { el.hidden = true; });
      this.announce(t.badSearch);
      return;
    }

    // The catalogue cannot be reached: a plain link instead of the rest.
    this.lastData = null;
    [this.form, this.controlsEl, this.facetsEl, this.bar, this.list, this.emptyEl, this.pager].forEach(function (el) {
      if (el) el.hidden = true;
    });
    var p = h('p', { class: 'rw-error-text' }, t.unavailable + ' ');
    if (this.fallbackUrl) {
      p.appendChild(h('a', { class: 'rw-fallback', href: this.fallbackUrl, text: t.fallback }));
    }
    this.errorEl.appendChild(p);
    this.announce(t.unavailable);
    if (kind === 'config' && window.console) {
      window.console.warn('resources-widget: data-resources-api is missing or not an http(s) URL', this.root);
    }
  };

  // ---------------------------------------------------------------------
  // The stylesheet: resources-widget.css next to this script, unless
  // data-resources-css="none" (or another URL) on the script element.

  function addStylesheet() {
    var v = SCRIPT ? SCRIPT.getAttribute('data-resources-css') : null;
    if (v !== null && v.trim().toLowerCase() === 'none') return;
    var href = null;
    try {
      if (v && v.trim()) href = new URL(v.trim(), document.baseURI).href;
      else if (SCRIPT && SCRIPT.src) href = new URL('resources-widget.css', SCRIPT.src).href;
    } catch (e) {
      href = null;
    }
    if (!href || document.querySelector('link[data-resources-widget]')) return;
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === href) return;
    }
    var link = h('link', { rel: 'stylesheet', href: href, 'data-resources-widget': '' });
    // first in <head>: the site's own rules win over ours at equal specificity
    var head = document.head || document.getElementsByTagName('head')[0] || document.documentElement;
    head.insertBefore(link, head.querySelector('link[rel~="stylesheet"], style'));
  }

  // ---------------------------------------------------------------------
  // Start: every element with data-resources-api, once.

  var instances = typeof WeakMap === 'function' ? new WeakMap() : null;

  function init(scope) {
    addStylesheet();
    scope = scope || document;
    var els = Array.prototype.slice.call(scope.querySelectorAll('[data-resources-api]'));
    if (scope.nodeType === 1 && scope.hasAttribute('data-resources-api')) els.unshift(scope);
    var made = [];
    els.forEach(function (el) {
      if (el.hasAttribute('data-resources-ready')) return;
      el.setAttribute('data-resources-ready', '');
      var w = new Widget(el);
      if (instances) instances.set(el, w);
      made.push(w);
    });
    return made;
  }

  window.ResourcesWidget = {
    version: VERSION,
    init: init,
    get: function (el) { return instances ? instances.get(el) : undefined; }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(); });
  } else {
    init();
  }
})();
