// The sign's form, helped: a few of this store's products as the customer types.
// Choosing one sets the hidden product_id and offers that product's sizes; typing again
// clears it. Without this script the server matches the typed text instead.
(function () {
  "use strict";
  var box = document.getElementById("suggest");
  var input = document.getElementById("product");
  var chosen = document.getElementById("product-id");
  if (!box || !input || !chosen || !window.fetch) { return; }
  var list = box.querySelector("ul");
  var state = document.getElementById("suggest-state");
  var sizes = document.getElementById("size-options");
  var timer = null;
  var asked = input.value.trim();

  function name(product) {
    return product.brand + " " + product.name + (product.color ? ", " + product.color : "");
  }

  function offerSizes(values) {
    sizes.textContent = "";
    values.forEach(function (size) {
      var option = document.createElement("option");
      option.value = size;
      sizes.appendChild(option);
    });
  }

  function choose(product) {
    input.value = asked = name(product);
    chosen.value = product.id;
    list.textContent = "";
    state.textContent = box.dataset.chosen + " " + input.value;
    offerSizes(product.sizes);
    document.getElementById("size").focus();
  }

  function show(products) {
    list.textContent = "";
    products.forEach(function (product) {
      var button = document.createElement("button");
      button.type = "button";
      if (product.image_url) {
        var image = document.createElement("img");
        image.src = product.image_url;
        image.alt = "";
        button.appendChild(image);
      }
      button.appendChild(document.createTextNode(name(product)));
      button.addEventListener("click", function () { choose(product); });
      list.appendChild(document.createElement("li")).appendChild(button);
    });
    state.textContent = products.length ? box.dataset.found : box.dataset.none;
  }

  function ask() {
    var query = input.value.trim();
    if (query === asked) { return; }
    asked = query;
    if (query.length < 2) { list.textContent = state.textContent = ""; return; }
    fetch(box.dataset.url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && input.value.trim() === query) { show(data.products); } })
      .catch(function () { /* offline or limited: the typed text is matched on submit */ });
  }

  box.hidden = false;
  input.addEventListener("input", function () {
    chosen.value = "";
    offerSizes([]);
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
