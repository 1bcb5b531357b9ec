// The date-range form: typing a custom date switches the range to "Custom", so the
// dates are not silently ignored. Without JavaScript the form works as labelled.
(function () {
  "use strict";
  document.querySelectorAll("form.range-form").forEach(function (form) {
    const choice = form.querySelector("select[name=range]");
    if (!choice) return;
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      input.addEventListener("change", function () {
        choice.value = "custom";
      });
    });
  });
})();
