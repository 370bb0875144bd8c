// The enrollment page's expiry countdown.
(function () {
  var c = document.getElementById('countdown');
  var t = +c.dataset.expires;
  var i = setInterval(function () {
    t--;
    if (t <= 0) { clearInterval(i); c.textContent = '0 (expired: create a new enrollment)'; return; }
    c.textContent = t;
  }, 1000);
})();
