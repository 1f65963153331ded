/*! resources-widget.js - a list of the resources of an ngx_http_resources
 * catalogue, to embed in any web page. No dependency, no build step (ES2017).
 *
 *   <script src="https://catalogue.example.org/www/resources-widget.js" defer></script>
 *   <div data-resources-api="https://catalogue.example.org/resources"
 *        data-resources-kw="QPV" data-resources-limit="5"></div>
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

  var VERSION = '1.0.0';
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
      unavailable: 'Le catalogue est momentan\u00e9ment indisponible.',
      fallback: 'Consulter les ressources',
      type: 'Type',
      date: 'Date',
      updated: function (s) { return 'mis \u00e0 jour en ' + s; },
      itemKeywords: 'Mots-cl\u00e9s'
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
      unavailable: 'The catalogue is temporarily unavailable.',
      fallback: 'Browse the resources',
      type: 'Type',
      date: 'Date',
      updated: function (s) { return 'updated ' + s; },
      itemKeywords: 'Keywords'
    }
  };

  var SUMMARY_MAX = 220;        // characters of a summary shown
  var DEBOUNCE_MS = 350;        // typing pause before a search is sent
  var MAX_QUERY = 200;          // characters of the search box

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
    this.limit = intAttr(d.resourcesLimit, 1, 100, 10);
    this.linkTemplate = (d.resourcesLink || '').trim();
    this.withFacets = onOff(d.resourcesFacets, true);
    this.withSearch = onOff(d.resourcesSearch, true);
    this.fallbackUrl = safeUrl((d.resourcesFallback || '').trim()) || this.api;
    this.heading = 'h' + intAttr(d.resourcesHeading, 2, 6, 3);
    this.label = (d.resourcesLabel || '').trim() || this.t.region;
    this.state = {
      q: (d.resourcesQ || '').trim().slice(0, MAX_QUERY),
      kw: [],          // keywords chosen by the reader (all required)
      type: null,      // the type chosen by the reader
      offset: 0
    };
    this.seq = 0;
    this.controller = null;
    this.timer = 0;
    this.loaded = false;
    this.lastData = null;

    this.build();
    if (!this.api) {
      this.fail('config');
      return;
    }
    this.load('init');
  }

  Widget.prototype.build = function () {
    var t = this.t;
    var self = this;
    var root = this.root;
    var uid = this.uid;

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
        self.timer = setTimeout(function () { self.search(false); }, DEBOUNCE_MS);
      });
      root.appendChild(this.form);
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
    this.live = h('p', { class: 'rw-live rw-sr', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    root.appendChild(this.live);

    // the list
    this.list = h('ul', { class: 'rw-list', 'aria-busy': 'true' });
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

  // The API request for the current state.
  Widget.prototype.url = function () {
    var u = new URL(this.api);
    var s = this.state;
    var p = u.searchParams;
    this.fixedKw.concat(s.kw).forEach(function (k) { p.append('kw', k); });
    (s.type ? [s.type] : this.fixedTypes).forEach(function (x) { p.append('type', x); });
    if (s.q) p.set('q', s.q);
    p.set('limit', String(this.limit));
    if (s.offset) p.set('offset', String(s.offset));
    if (this.withFacets) p.set('facets', 'kw,type');
    return u.href;
  };

  // Where a resource's title links to.
  Widget.prototype.itemUrl = function (id) {
    var enc = encodeURIComponent(id);
    if (this.linkTemplate) {
      var u = safeUrl(this.linkTemplate.split('{id}').join(enc));
      if (u) return u;
    }
    var a = new URL(this.api);
    a.search = '';
    a.hash = '';
    a.pathname = a.pathname.replace(/\/+$/, '') + '/' + enc;
    return a.href;
  };

  Widget.prototype.search = function (now) {
    clearTimeout(this.timer);
    if (!this.input) return;
    var q = this.input.value.trim().slice(0, MAX_QUERY);
    if (q === this.state.q && !now) return;
    this.state.q = q;
    this.state.offset = 0;
    this.load('search');
  };

  Widget.prototype.toggle = function (facet, value) {
    var s = this.state;
    if (facet === 'kw') {
      var i = s.kw.indexOf(value);
      if (i >= 0) s.kw.splice(i, 1);
      else s.kw.push(value);
    } else if (facet === 'type') {
      s.type = s.type === value ? null : value;
    } else {
      return;
    }
    s.offset = 0;
    this.load('filter');
  };

  Widget.prototype.clearFilters = function () {
    this.state.kw = [];
    this.state.type = null;
    this.state.offset = 0;
    this.focusAfter = this.input || this.totalEl;
    this.load('filter');
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
    this.load('page');
  };

  Widget.prototype.load = function (why) {
    var self = this;
    var seq = ++this.seq;
    if (this.controller) this.controller.abort();
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    this.controller = ctrl;
    this.list.setAttribute('aria-busy', 'true');
    this.root.classList.add('rw-loading');

    var status = 0;
    return fetch(this.url(), {
      method: 'GET',
      mode: 'cors',
      credentials: 'omit',
      headers: { Accept: 'application/json' },
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      status = res.status;
      return res.json().then(function (data) {
        return { ok: res.ok, data: data };
      }, function () {
        return { ok: false, data: null };
      });
    }).then(function (r) {
      if (seq !== self.seq) return;
      if (r.ok && isList(r.data)) {
        self.render(r.data, why);
      } else if (status === 400 && r.data && r.data.error && self.loaded) {
        self.fail('search');
      } else {
        self.fail('http');
      }
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
    var total = data.total;
    var offset = typeof data.offset === 'number' ? data.offset : this.state.offset;
    var items = data.items;

    // a page past the end (the catalogue shrank): go back to the last one
    if (items.length === 0 && total > 0 && offset > 0) {
      this.state.offset = Math.max(0, Math.floor((total - 1) / this.limit) * this.limit);
      this.load(why);
      return;
    }

    this.loaded = true;
    this.lastData = data;
    this.errorEl.hidden = true;
    empty(this.errorEl);
    if (this.form) this.form.hidden = false;

    // the count and the clear button
    this.bar.hidden = false;
    this.totalEl.textContent = t.count(total, fmt);
    this.clearBtn.hidden = !(this.state.kw.length || this.state.type);

    // the items
    empty(this.list);
    items.forEach(function (it) { self.list.appendChild(self.item(it)); });
    this.list.hidden = items.length === 0;
    this.emptyEl.hidden = items.length !== 0;
    this.emptyEl.textContent = items.length ? '' : t.empty;

    // paging
    var first = offset + 1;
    var last = offset + items.length;
    var paged = total > this.limit;
    this.pager.hidden = !paged;
    if (paged) {
      this.rangeEl.textContent = t.range(first, last, total, fmt);
      this.prevBtn.setAttribute('aria-disabled', offset <= 0 ? 'true' : 'false');
      this.nextBtn.setAttribute('aria-disabled', last >= total ? 'true' : 'false');
    }

    // the filters
    if (this.facetsEl) this.renderFacets(data.facets || {}, total);

    var said = t.found(total, fmt);
    if (paged && items.length) said += ', ' + t.rangeSpoken(first, last, total, fmt);
    this.announce(said);

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

    var art = h('article', { class: 'rw-article' },
      h(this.heading, { class: 'rw-title' },
        h('a', { href: this.itemUrl(String(it.id)), text: title })),
      parts.length ? meta : null);

    if (typeof it.summary === 'string' && it.summary.trim()) {
      var full = it.summary.replace(/\s+/g, ' ').trim();
      var short = truncate(full, SUMMARY_MAX);
      art.appendChild(h('p', { class: 'rw-summary', title: short !== full ? full : null, text: short }));
    }

    if (Array.isArray(it.keywords) && it.keywords.length) {
      var kws = h('ul', { class: 'rw-keywords', 'aria-label': t.itemKeywords });
      it.keywords.forEach(function (k) {
        kws.appendChild(h('li', { class: 'rw-keyword', text: String(k) }));
      });
      art.appendChild(kws);
    }

    return h('li', { class: 'rw-item' }, art);
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

    [['kw', t.keywords], ['type', t.types]].forEach(function (g) {
      var name = g[0];
      var values = Array.isArray(facets[name]) ? facets[name] : [];
      var chips = [];
      values.forEach(function (f) {
        if (!f || typeof f.value !== 'string' || typeof f.count !== 'number') return;
        var pressed = name === 'kw' ? s.kw.indexOf(f.value) >= 0 : s.type === f.value;
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
    [this.form, this.facetsEl, this.bar, this.list, this.emptyEl, this.pager].forEach(function (el) {
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
