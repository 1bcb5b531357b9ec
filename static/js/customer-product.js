// The sign's form, helped: a few of this store's products as the customer types.
// Choosing one sets the hidden product_id and offers that product's sizes; typing again
// clears it. Without this script the server matches the typed text instead.
// One file with no imports: the customer's page stays small (tests/web/test_customer_pages.py).
const box = document.getElementById("suggest");
const input = document.getElementById("product");
const chosen = document.getElementById("product-id");

function name(product) {
  return product.brand + " " + product.name + (product.color ? ", " + product.color : "");
}

function suggest() {
  const list = box.querySelector("ul");
  const state = document.getElementById("suggest-state");
  const sizes = document.getElementById("size-options");
  let timer = null;
  let asked = input.value.trim();

  function offerSizes(values) {
    sizes.replaceChildren(...values.map((size) => Object.assign(document.createElement("option"), { value: size })));
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
    for (const product of products) {
      const button = document.createElement("button");
      button.type = "button";
      if (product.image_url) button.appendChild(Object.assign(document.createElement("img"), { src: product.image_url, alt: "" }));
      button.appendChild(document.createTextNode(name(product)));
      button.addEventListener("click", () => choose(product));
      list.appendChild(document.createElement("li")).appendChild(button);
    }
    state.textContent = products.length ? box.dataset.found : box.dataset.none;
  }

  async function ask() {
    const query = input.value.trim();
    if (query === asked) return;
    asked = query;
    if (query.length < 2) { list.textContent = state.textContent = ""; return; }
    try {
      const response = await fetch(box.dataset.url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } });
      const data = response.ok ? await response.json() : null;
      if (data && input.value.trim() === query) show(data.products);
    } catch (error) { /* offline or limited: the typed text is matched on submit */ }
  }

  box.hidden = false;
  input.addEventListener("input", () => {
    chosen.value = "";
    offerSizes([]);
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
}

if (box && input && chosen) suggest();
