/* The map's colour key as HTML (#map-legend), shown instead of plotly's colour bar where
   the map is narrow (atlas.css). Read from the figure as drawn, so every update of the
   map updates it. Titles may hold uploaded names: text nodes, never HTML. */
(function () {
  var ENTITIES = {amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: '\u00a0'};
  function decode(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (whole, name) {
      if (name.charAt(0) === '#') {
        var hex = name.charAt(1) === 'x' || name.charAt(1) === 'X';
        var code = parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
      }
      var known = ENTITIES[name.toLowerCase()];
      return known === undefined ? whole : known;
    });
  }
  /* Plotly's pseudo-HTML as lines of runs [text, small]: <br> breaks, <sub>/<sup> small,
     other tags dropped. */
  function lines(text) {
    return String(text == null ? '' : text).split(/<br\s*\/?>/i).map(function (line) {
      var runs = [];
      var small = 0;
      line.split(/(<[^<>]*>)/).forEach(function (part) {
        var tag = /^<(\/?)(sub|sup)\b/i.exec(part);
        if (tag) {
          small = Math.max(0, small + (tag[1] ? -1 : 1));
        } else if (!/^<[^<>]*>$/.test(part) && part) {
          runs.push([decode(part), small > 0]);
        }
      });
      return runs;
    }).filter(function (runs) { return runs.length > 0; });
  }
  /* The colour of a stepped scale ([[0, c0], [1/n, c0], [1/n, c1], ...]) at t in [0, 1]. */
  function colourAt(scale, t) {
    var colour = scale[0][1];
    for (var i = 1; i < scale.length && scale[i][0] <= t + 1e-9; i++) { colour = scale[i][1]; }
    return colour;
  }
  /* The key of the counties trace as drawn, or null when it shows no colour bar. */
  function legendOf(gd) {
    var trace = gd.data && gd.data[0];
    var full = (gd._fullData && gd._fullData[0]) || {};
    if (!trace || trace.visible === false || trace.showscale === false || !trace.colorbar) {
      return null;
    }
    var bar = trace.colorbar;
    var ticks = bar.ticktext || [];
    var scale = Array.isArray(trace.colorscale) ? trace.colorscale : full.colorscale;
    if (!ticks.length || !Array.isArray(scale) || !scale.length) { return null; }
    var zmin = trace.zmin != null ? trace.zmin : full.zmin;
    var zmax = trace.zmax != null ? trace.zmax : full.zmax;
    var values = bar.tickvals || [];
    var title = bar.title && typeof bar.title === 'object' ? bar.title.text : bar.title;
    /* The boundaries' credit and the no-data note (the layout's first annotation) run
       wider than a narrow map: they go under the key instead (atlas.css hides them). */
    var notes = (gd.layout && gd.layout.annotations) || [];
    return {
      title: lines(title),
      credit: notes.length ? lines(notes[0].text) : [],
      items: ticks.map(function (label, i) {
        var colour;
        if (values.length === ticks.length && zmax > zmin) {
          colour = colourAt(scale, (values[i] - zmin) / (zmax - zmin));
        } else {  /* band i of a stepped scale */
          colour = (scale[Math.min(2 * i, scale.length - 1)] || scale[0])[1];
        }
        return {colour: String(colour), label: lines(label)};
      })
    };
  }
  function element(tag, className) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    return el;
  }
  function appendRuns(parent, runs) {
    runs.forEach(function (run) {
      var span = element('span', run[1] ? 'legend-small' : '');
      span.textContent = run[0];
      parent.appendChild(span);
    });
  }
  function render(gd) {
    var box = document.getElementById('map-legend');
    if (!box) { return; }
    var legend = legendOf(gd);
    var key = JSON.stringify(legend);
    if (box.atlasLegendKey === key) { return; }  /* unchanged: no DOM work */
    box.atlasLegendKey = key;
    box.textContent = '';
    if (!legend) {  /* no colour bar (a mode with a key of its own): nothing shown */
      box.setAttribute('data-empty', '');
      return;
    }
    box.removeAttribute('data-empty');
    var title = element('div', 'legend-title');
    legend.title.forEach(function (runs) {
      var line = element('div', 'legend-line');
      appendRuns(line, runs);
      title.appendChild(line);
    });
    var list = element('ul', 'legend-items');
    legend.items.forEach(function (item) {
      var li = element('li');
      var swatch = element('span', 'legend-swatch');
      swatch.style.backgroundColor = item.colour;
      swatch.setAttribute('aria-hidden', 'true');
      var label = element('span', 'legend-label');
      item.label.forEach(function (runs, i) {
        if (i) { label.appendChild(document.createTextNode(' ')); }
        appendRuns(label, runs);
      });
      li.appendChild(swatch);
      li.appendChild(label);
      list.appendChild(li);
    });
    box.appendChild(title);
    box.appendChild(list);
    if (legend.credit.length) {
      var credit = element('div', 'legend-credit');
      legend.credit.forEach(function (runs) {
        var line = element('div');
        appendRuns(line, runs);
        credit.appendChild(line);
      });
      box.appendChild(credit);
    }
  }
  /* afterplot follows a full draw, react every Plotly.react (a patch of values redraws
     only the colour bar: no afterplot). A new plot drops listeners (a new gd.on). */
  var EVENTS = ['plotly_afterplot', 'plotly_react', 'plotly_restyle', 'plotly_redraw'];
  function attach() {
    var gd = document.querySelector('#map .js-plotly-plot');
    if (!gd || typeof gd.on !== 'function') { return; }
    if (gd.atlasLegendOn !== gd.on) {
      gd.atlasLegendOn = gd.on;
      EVENTS.forEach(function (name) { gd.on(name, function () { render(gd); }); });
    }
    var box = document.getElementById('map-legend');
    if (gd._fullData && box && box.atlasLegendKey === undefined) { render(gd); }
  }
  function start() {
    attach();
    new MutationObserver(attach).observe(document.body, {childList: true, subtree: true});
  }
  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
