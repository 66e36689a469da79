/* First paint (see dashboard/deferred.py): the map draws first; the linked charts and
   the county table fill once its counties are in the page. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    afterPaint: function () {
      if (window.atlasAfterPaint) {
        return window.atlasAfterPaint;
      }
      function loadScript(src) {
        return new Promise(function (resolve) {
          var s = document.createElement('script');
          s.src = src;
          s.onload = function () { resolve(); };
          s.onerror = function () {
            console.error('Children\'s Care Atlas: could not load ' + src);
            resolve();
          };
          document.body.appendChild(s);
        });
      }
      function loadDeferred() {
        var meta = document.querySelector('meta[name="atlas-deferred-scripts"]');
        var urls = meta ? meta.content.split(' ').filter(Boolean) : [];
        return urls.reduce(function (chain, src) {
          return chain.then(function () { return loadScript(src); });
        }, Promise.resolve());
      }
      var started = performance.now();
      window.atlasAfterPaint = new Promise(function (resolve) {
        function check() {
          var drawn = document.querySelector('#map path.choroplethlocation');
          if (drawn || performance.now() - started > 20000) {
            // Let the browser put this frame on screen before anything else runs.
            requestAnimationFrame(function () {
              setTimeout(function () {
                loadDeferred().then(function () { resolve(true); });
              }, 0);
            });
          } else {
            setTimeout(check, 50);
          }
        }
        check();
      });
      return window.atlasAfterPaint;
    }
  }
});
