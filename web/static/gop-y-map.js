// The feedback form's location: "use my location" (browser geolocation) and a Leaflet map to place a pin.
// Tiles come from the configured tile server; without one the map is blank but pins and the fields still work.
(function () {
  var box = document.getElementById("map");
  var lat = document.getElementById("latitude");
  var lng = document.getElementById("longitude");
  var status = document.getElementById("location-status");
  if (!box || !lat || !lng) return;
  var map = null, marker = null;

  function show(la, ln) {
    lat.value = la.toFixed(6);
    lng.value = ln.toFixed(6);
    status.textContent = "Đã chọn vị trí: " + lat.value + ", " + lng.value;
    if (!map) return;
    if (marker) marker.setLatLng([la, ln]);
    else {
      marker = window.L.marker([la, ln], { draggable: true }).addTo(map);
      marker.on("dragend", function () { var p = marker.getLatLng(); show(p.lat, p.lng); });
    }
    map.setView([la, ln], Math.max(map.getZoom(), 16));
  }

  if (window.L) {
    window.L.Icon.Default.imagePath = "/public/static/leaflet/images/";
    map = window.L.map(box).setView([parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)], 12);
    var tiles = box.dataset.tiles;
    if (tiles) window.L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    map.on("click", function (event) { show(event.latlng.lat, event.latlng.lng); });
    var start = parseFloat(lat.value), end = parseFloat(lng.value);
    if (!isNaN(start) && !isNaN(end)) show(start, end);
  }

  document.getElementById("use-location").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = "Trình duyệt không hỗ trợ định vị."; return; }
    status.textContent = "Đang lấy vị trí…";
    navigator.geolocation.getCurrentPosition(
      function (position) { show(position.coords.latitude, position.coords.longitude); },
      function () { status.textContent = "Không lấy được vị trí; hãy chạm vào bản đồ hoặc nhập tọa độ."; },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
})();
