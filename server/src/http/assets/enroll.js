// The tap-to-enroll landing page: hands the link's fragment (never sent to the server) to the app.
(function () {
  var q = location.hash.slice(1);
  var a = document.getElementById('open');
  a.href = 'duet://enroll?' + q;
  if (q) { location.href = a.href; }
})();
