// The date-range form: typing a custom date switches the range to "Custom", so the
// dates are not silently ignored. Without JavaScript the form works as labelled.
for (const form of document.querySelectorAll("form.range-form")) {
  const choice = form.querySelector("select[name=range]");
  if (!choice) continue;
  for (const input of form.querySelectorAll("input[type=date]")) {
    input.addEventListener("change", () => { choice.value = "custom"; });
  }
}
