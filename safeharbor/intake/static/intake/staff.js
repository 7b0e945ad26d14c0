/* Keyboard speed for the intake desks (no framework).
   - Ctrl+Enter (⌘+Enter) submits a form marked data-ctrl-enter, from any field.
   - Enter in a single-line field submits natively; a form is never sent twice.
   - "Same caller": a button copies an earlier matter's category and area into the form;
     Alt+1 … Alt+9 do the same for the first nine earlier matters.
   - Patrol: "use my position" fills the hidden lat/lon fields from the phone's GPS. */
(function () {
  "use strict";

  function copyEarlier(button) {
    var form = document.querySelector("form[data-ctrl-enter]");
    if (!form || !button) return;
    var category = form.querySelector("[name=category]");
    var area = form.querySelector("[name=area]");
    if (category && button.dataset.category) {
      if (category.tagName === "SELECT") {
        var option = category.querySelector('option[value="' + button.dataset.categoryId + '"]');
        if (option) category.value = button.dataset.categoryId;
      } else {
        category.value = button.dataset.category;
      }
    }
    if (area && button.dataset.area && area.querySelector('option[value="' + button.dataset.area + '"]')) {
      area.value = button.dataset.area;
    }
    var status = document.getElementById("copy-status");
    if (status) status.textContent = button.dataset.copied || "";
    var words = form.querySelector("[name=description]");
    if (words) words.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-earlier]");
    if (button) { event.preventDefault(); copyEarlier(button); }
  });

  document.addEventListener("keydown", function (event) {
    var form = document.querySelector("form[data-ctrl-enter]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.altKey && /^[1-9]$/.test(event.key)) {
      var buttons = document.querySelectorAll("button[data-copy-earlier]");
      var button = buttons[Number(event.key) - 1];
      if (button) { event.preventDefault(); copyEarlier(button); }
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-geolocate]");
    if (!button) return;
    event.preventDefault();
    var form = button.form, status = document.getElementById("geo-status");
    if (!navigator.geolocation) { status.textContent = button.dataset.unavailable; return; }
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done.replace("%(m)s", Math.round(position.coords.accuracy));
    }, function () {
      status.textContent = button.dataset.failed;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-geoclear]");
    if (!button) return;
    event.preventDefault();
    button.form.querySelector("[name=lat]").value = "";
    button.form.querySelector("[name=lon]").value = "";
    document.getElementById("geo-status").textContent = "";
  });
})();
