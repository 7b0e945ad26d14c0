// The registration form: "Add another party" appends one more party row to the formset.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("add-party");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_parties-TOTAL_FORMS");
    var n = parseInt(total.value, 10);
    var html = document.getElementById("party-template").innerHTML.replace(/__prefix__/g, n);
    document.getElementById("party-rows").insertAdjacentHTML("beforeend", html);
    total.value = n + 1;
  });
});
