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
    }
  }
});
