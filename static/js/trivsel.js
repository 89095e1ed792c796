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

// The rating page saves each click. A failed save says so and tries again; nothing is lost.
document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.detail.elt.closest && event.detail.elt.closest(".trivsel-rating-row");
  var status = form && form.querySelector(".trivsel-save-status");
  if (status) { status.textContent = form.dataset.saving; }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt.closest && event.detail.elt.closest(".trivsel-rating-row");
  if (!form || event.detail.successful) { return; }
  var status = form.querySelector(".trivsel-save-status");
  var xhr = event.detail.xhr;
  if (xhr && xhr.status === 422) {
    status.textContent = xhr.responseText;  // a rule said no: retrying would not help
    return;
  }
  status.textContent = form.dataset.notSaved;
  setTimeout(function () { window.htmx.trigger(form, "change"); }, 3000);
});
