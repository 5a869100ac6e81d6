// The follow page reloads itself when staff change the item (polls a small JSON route, no Streamlit).
(function () {
  var box = document.getElementById("feedback");
  if (!box) return;
  var code = box.getAttribute("data-code");
  var version = box.getAttribute("data-version");
  setInterval(function () {
    fetch("/gop-y/api/trang-thai?ma=" + encodeURIComponent(code), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.version) !== version) window.location.reload();
      })
      .catch(function () {});
  }, 20000);
})();
