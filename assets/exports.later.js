/* Export links (dashboard/pages/explorer/export_links.py): a file takes 5-15 s to
   draw on the server, so the page fetches it itself, says what it is doing with a
   ticking line, starts the download when the file is there, and shows why when it
   failed (the server's reason, in the page's language). The links still work as plain
   links without scripts, and until this script has come, just after the map's first
   paint (dashboard/deferred.py); window.atlasExports says it has. */
(function () {
  function fill(text, name, seconds) {
    return text.replace('{name}', name).replace('{seconds}', String(seconds));
  }
  function fileName(resp, href) {
    var m = /filename="([^"]+)"/.exec(resp.headers.get('Content-Disposition') || '');
    return m ? m[1] : href.split('?')[0].split('/').pop();
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest ? ev.target.closest('a.export-link') : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) {
      return;
    }
    var nav = a.closest('.export-links');
    var status = nav ? nav.querySelector('.export-status') : null;
    if (!status || !window.fetch || !nav.dataset.busy) { return; }
    ev.preventDefault();
    if (a.getAttribute('aria-busy') === 'true') { return; }
    var started = Date.now();
    var name = a.textContent;
    var seconds = function () { return Math.round((Date.now() - started) / 1000); };
    a.setAttribute('aria-busy', 'true');
    nav.classList.add('exporting');
    status.classList.remove('error');
    status.setAttribute('role', 'status');
    var tick = function () { status.textContent = fill(nav.dataset.busy, name, seconds()); };
    tick();
    var timer = setInterval(tick, 1000);
    fetch(a.href, { credentials: 'same-origin' }).then(function (resp) {
      if (!resp.ok) {
        return resp.json().catch(function () { return {}; }).then(function (body) {
          var err = new Error(body.error || nav.dataset.failed);
          err.fromServer = true;
          throw err;
        });
      }
      return resp.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = document.createElement('a');
        link.href = url;
        link.download = fileName(resp, a.href);
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        status.textContent = fill(nav.dataset.done, name, seconds());
      });
    }).catch(function (err) {
      // A network failure's message is the browser's (in its own language): ours instead.
      status.textContent = err && err.fromServer ? err.message : nav.dataset.failed;
      status.classList.add('error');
      status.setAttribute('role', 'alert');
    }).then(function () {
      clearInterval(timer);
      a.removeAttribute('aria-busy');
      nav.classList.remove('exporting');
    });
  });
})();
window.atlasExports = true;
