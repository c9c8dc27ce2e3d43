// The report's seed explorer: one seed across every model and N, each beside its nearest training image.
// Tiles are cut out of the same-noise grid PNGs (sprites of the first 64 seeds) onto canvases, so the
// report stays a folder of static files that works from file:// without a server.
(function () {
  var box = document.getElementById('explorer-box');
  if (!box) { return; }
  var seeds = box.dataset.seeds.split(',');
  var select = document.getElementById('explorer-seed');
  var label = document.getElementById('explorer-label');

  function tile(img, i) {
    var cols = +img.dataset.cols, t = +img.dataset.tile, g = +img.dataset.gap;
    return [g + (i % cols) * (t + g), g + Math.floor(i / cols) * (t + g), t];
  }

  function show(i) {
    box.dataset.index = String(i);
    select.value = String(i);
    label.textContent = 'seed ' + seeds[i];
    document.querySelectorAll('#explorer-box canvas.tile').forEach(function (cv) {
      var img = document.getElementById(cv.dataset.img);
      var ctx = cv.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, cv.width, cv.height);
      if (!img || !img.complete || !img.naturalWidth || i >= +img.dataset.count) { return; }
      var r = tile(img, i);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, r[0], r[1], r[2], r[2], 0, 0, cv.width, cv.height);
    });
    document.querySelectorAll('#explorer-box [data-sims]').forEach(function (el) {
      var s = el.dataset.sims.split(','), k = el.dataset.train.split(',');
      el.textContent = i < s.length ? 'train #' + k[i] + ', sim ' + s[i] : '';
    });
  }

  // A click on a grid tile picks that tile's seed (the grid may be displayed scaled).
  function onGridClick(ev) {
    var img = ev.currentTarget, rect = img.getBoundingClientRect();
    var sx = img.naturalWidth / rect.width, sy = img.naturalHeight / rect.height;
    var x = (ev.clientX - rect.left) * sx, y = (ev.clientY - rect.top) * sy;
    var t = +img.dataset.tile, g = +img.dataset.gap, cols = +img.dataset.cols;
    var col = Math.floor((x - g / 2) / (t + g)), row = Math.floor((y - g / 2) / (t + g));
    var i = row * cols + col;
    if (col >= 0 && col < cols && i >= 0 && i < +img.dataset.count) {
      show(i);
      if (ev.isTrusted && box.scrollIntoView) { box.scrollIntoView({block: 'nearest'}); }
    }
  }

  document.querySelectorAll('img.grid').forEach(function (img) {
    img.addEventListener('click', onGridClick);
    img.style.cursor = 'pointer';
  });
  select.addEventListener('change', function () { show(+select.value); });

  // report/index.html#selftest: checks that every image loaded and that a click on a grid tile moves the
  // explorer, and writes the verdict into #selftest (read by the headless-Chromium test).
  function selftest() {
    var imgs = Array.prototype.slice.call(document.images);
    var broken = imgs.filter(function (im) { return !im.complete || !im.naturalWidth; })
        .map(function (im) { return im.getAttribute('src'); });
    var grid = document.querySelector('img.grid'), clicked = -1, before = box.dataset.index;
    if (grid) {
      var rect = grid.getBoundingClientRect(), sx = rect.width / grid.naturalWidth;
      var t = +grid.dataset.tile, g = +grid.dataset.gap, k = Math.min(5, +grid.dataset.count - 1);
      var r = tile(grid, k);
      grid.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: rect.left + (r[0] + t / 2) * sx,
        clientY: rect.top + (r[1] + t / 2) * sx}));
      clicked = k;
    }
    var out = document.getElementById('selftest');
    out.textContent = JSON.stringify({images: imgs.length, broken: broken, before: +before, clicked: clicked,
      after: +box.dataset.index, label: label.textContent, canvases: document.querySelectorAll('#explorer-box canvas.tile').length});
  }

  function start() {
    show(0);
    if (location.hash === '#selftest') { selftest(); }
  }
  if (document.readyState === 'complete') { start(); } else { window.addEventListener('load', start); }
})();
