/* Before Dash starts (see dashboard/deferred.py and dashboard/web/static.py):
   1. dcc.Graph loads plotly.js from window._dashPlotlyJSURL, which dash-renderer sets to
      plotly's full bundle; the page names the Atlas's own bundle (only the trace types it
      draws) in <meta name="atlas-plotly">, and that is the URL the graph gets.
   2. The map's geometry arrives as one quantised topology (<meta name="atlas-geometry">,
      preloaded), decoded here with topojson-client into the GeoJSON plotly.js would
      otherwise download: plotly.js looks in window.PlotlyGeoAssets first, and waits while
      an entry is 'pending'. If the topology cannot be had, the GeoJSON files are
      fetched instead, so the map still draws. */
(function () {
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.content : null;
  }
  var plotly = meta('atlas-plotly');
  if (plotly) {
    Object.defineProperty(window, '_dashPlotlyJSURL', {
      configurable: true,
      get: function () { return plotly; },
      set: function () {}
    });
  }
  var spec = meta('atlas-geometry');
  if (!spec || !window.fetch) { return; }
  spec = JSON.parse(spec);
  var assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
  assets.topojson = assets.topojson || {};
  Object.keys(spec.world || {}).forEach(function (name) {
    assets.topojson[name] = spec.world[name];
  });
  var names = Object.keys(spec.objects);
  names.forEach(function (name) { assets[spec.objects[name]] = 'pending'; });
  function json(url) {
    return fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r.json();
    });
  }
  json(spec.url).then(function (topo) {
    names.forEach(function (name) {
      assets[spec.objects[name]] = window.topojson.feature(topo, topo.objects[name]);
    });
  }).catch(function (err) {
    console.error('Children\'s Care Atlas: map topology not loaded (' + err + '); using GeoJSON');
    names.forEach(function (name) {
      var url = spec.objects[name];
      json(url).then(function (geo) { assets[url] = geo; })
        .catch(function () { delete assets[url]; });
    });
  });
})();

/* First paint (see dashboard/deferred.py): the map draws first; the linked charts and
   the county table fill once its counties are in the page. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Resolves once the map's counties are in the page (or after 20 s) and that frame
       has been put on screen: the charts fill from it. */
    afterPaint: function () {
      var started = performance.now();
      return new Promise(function (resolve) {
        function check() {
          var drawn = document.querySelector('#map path.choroplethlocation');
          if (drawn || performance.now() - started > 20000) {
            requestAnimationFrame(function () {
              setTimeout(function () { resolve(true); }, 0);
            });
          } else {
            setTimeout(check, 50);
          }
        }
        check();
      });
    },
    /* Once the map has painted: loads the bundles left out of the page (named in the
       atlas-deferred-scripts meta tag), in order. Resolves true when all have run, or
       "failed" when one could not be loaded (the table then says so). */
    loadDeferred: function (painted) {
      if (!painted) { throw window.dash_clientside.PreventUpdate; }
      var meta = document.querySelector('meta[name="atlas-deferred-scripts"]');
      var urls = meta ? meta.content.split(' ').filter(Boolean) : [];
      return urls.reduce(function (chain, src) {
        return chain.then(function (ok) {
          return new Promise(function (resolve) {
            var s = document.createElement('script');
            s.src = src;
            s.onload = function () { resolve(ok); };
            s.onerror = function () {
              console.error('Children\'s Care Atlas: could not load ' + src);
              resolve('failed');
            };
            document.body.appendChild(s);
          });
        });
      }, Promise.resolve(true));
    },
    /* The view's query (dashboard/pages/explorer/callbacks/history.py) into the address
       bar: a new history entry, or in place of the current one once Back or Forward
       restored a view. While a restore is on its way (window.atlasPopped), nothing is
       pushed: that would cut off the Forward entries; a restore meant for an address
       the user has since left is not written either. Returns the address, and the
       language link: the same address in the other language. */
    pushView: function (view, lang) {
      if (!view || typeof view.q !== 'string') {
        throw window.dash_clientside.PreventUpdate;
      }
      var here = window.location.search;
      var q = view.q === '?' ? '' : view.q;
      var url = window.location.pathname + q + window.location.hash;
      if (view.replace) {
        if (view['for'] === here) {
          window.atlasPopped = null;
          if (q !== here) { window.history.replaceState(window.history.state, '', url); }
        }
      } else if (window.atlasPopped == null && q !== here) {
        window.history.pushState({atlas: true}, '', url);
      }
      var other = new URLSearchParams(window.location.search);
      other.set('lang', lang === 'en' ? 'zh' : 'en');
      return [window.location.search, '?' + other.toString()];
    }
  }
});

/* Back or Forward: the explorer restores the view of the address it went to. */
window.addEventListener('popstate', function () {
  /* Stores have no element: the explorer is the page with its controls. */
  if (document.getElementById('atlas-controls') && window.dash_clientside.set_props) {
    window.atlasPopped = window.location.search;
    window.dash_clientside.set_props('history-popped', {
      data: {q: window.location.search, at: Date.now()}
    });
  }
});

/* The explorer's controls drawer on narrow screens (dashboard/pages/explorer/layout.py):
   a class on the page, no callback. The sign-in link comes back to the page as it is
   now (the view may have changed since the page was built). */
document.addEventListener('click', function (event) {
  var toggle = event.target.closest && event.target.closest('#controls-drawer');
  if (toggle) {
    var open = document.documentElement.classList.toggle('controls-open');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    return;
  }
  /* The explorer's language link: the address as it is now, in the other language. */
  var other = event.target.closest && event.target.closest('a#lang-other');
  if (other && document.getElementById('atlas-controls')) {
    var params = new URLSearchParams(window.location.search);
    params.set('lang', other.getAttribute('lang') === 'zh' ? 'zh' : 'en');
    other.href = window.location.pathname + '?' + params.toString();
    return;
  }
  var signin = event.target.closest && event.target.closest('a.signin-link');
  if (signin) {
    var url = new URL(signin.href, window.location.href);
    url.searchParams.set('next', window.location.pathname + window.location.search);
    signin.href = url.pathname + url.search;
  }
});
