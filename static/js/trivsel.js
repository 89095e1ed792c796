// Loaded on every page (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
});

// Announce in the aria-live region what an htmx swap asked to announce (HX-Trigger: announce).
document.addEventListener("announce", function (event) {
  var region = document.getElementById("status-region");
  if (region && event.detail && event.detail.value) {
    region.textContent = event.detail.value;
  }
});
