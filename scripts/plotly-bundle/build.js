// Builds the Atlas's plotly.js bundle and copies topojson-client, reproducibly:
// the versions are pinned in package.json / package-lock.json (npm ci), and esbuild's
// output depends only on its inputs. Run through scripts/build_plotly_bundle.sh.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

// The trace types the Atlas draws (page and exports); tests/dashboard/web/test_static.py
// checks that every plotly trace class used under dashboard/ is in this list. plotly's
// core always has `scatter` (the linked charts: SVG, not scattergl, so that they need
// no WebGL, which old office PCs often lack, and 90 KB less to download).
const TRACES = ['choropleth', 'scattergeo', 'table'];
const out = path.resolve(__dirname, '..', '..', 'dashboard', 'static');
const plotlyVersion = require('plotly.js/package.json').version;
const topoVersion = require('topojson-client/package.json').version;

const entry = path.join(__dirname, 'entry.js');
fs.writeFileSync(entry, [
  "'use strict';",
  "var Plotly = require('plotly.js/lib/core');",
  'Plotly.register([',
  ...TRACES.map((t) => `  require('plotly.js/lib/${t}'),`),
  ']);',
  // The Chinese page's toolbar and date words: plotly.js's own zh-CN locale, used when
  // the graph's config says locale "zh-CN" (dashboard/figures.graph_config).
  "Plotly.register(require('plotly.js/lib/locales/zh-cn'));",
  'module.exports = Plotly;',
  '',
].join('\n'));

const banner = [
  '/**',
  `* plotly.js v${plotlyVersion}`,
  '* Copyright 2012-2026, Plotly, Inc.',
  '* All rights reserved.',
  '* Licensed under the MIT license (plotly.js.LICENSE.txt)',
  `* Children's Care Atlas bundle: traces ${TRACES.join(', ')}`,
  '* built by scripts/build_plotly_bundle.sh from the npm registry\'s plotly.js',
  '*/',
].join('\n');

esbuild.build({
  // plotly.js's own esbuild-config.js, less the plugins for trace types left out
  // (maplibre's CSS: no map traces here, so its import is emptied).
  entryPoints: [entry],
  outfile: path.join(out, 'plotly-atlas.min.js'),
  format: 'iife',
  globalName: 'Plotly',
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  banner: { js: banner },
  loader: { '.css': 'empty' },
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
  target: 'es2016',
  logLevel: 'info',
}).then(() => esbuild.build({
  // Dash's renderer and dcc call the global regeneratorRuntime (Babel's generator
  // runtime), which Dash ships inside a 97 KB polyfill for old browsers; a current
  // browser needs only this (dashboard/deferred.py loads the polyfill when it lacks
  // what the polyfill provides).
  entryPoints: [require.resolve('regenerator-runtime/runtime.js')],
  outfile: path.join(out, 'regenerator-runtime.min.js'),
  format: 'iife',
  bundle: true,
  minify: true,
  legalComments: 'eof',
  banner: { js: `/* regenerator-runtime v${require('regenerator-runtime/package.json').version} (MIT, regenerator-runtime.LICENSE.txt) */` },
  target: 'es2016',
  logLevel: 'info',
})).then(() => {
  fs.unlinkSync(entry);
  fs.copyFileSync(require.resolve('regenerator-runtime/LICENSE'),
                  path.join(out, 'regenerator-runtime.LICENSE.txt'));
  fs.copyFileSync(require.resolve('plotly.js/LICENSE'), path.join(out, 'plotly.js.LICENSE.txt'));
  const topo = require.resolve('topojson-client/dist/topojson-client.min.js');
  fs.copyFileSync(topo, path.join(out, 'topojson-client.min.js'));
  fs.copyFileSync(require.resolve('topojson-client/LICENSE'),
                  path.join(out, 'topojson-client.LICENSE.txt'));
  console.log(`plotly.js ${plotlyVersion} (${TRACES.join(', ')}), topojson-client ${topoVersion}`);
}).catch(() => process.exit(1));
