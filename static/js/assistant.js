// The listing assistant: "Use" buttons copy a suggestion into the listing form, and tell the
// server which parts the seller used. The form itself is never submitted by this script.
(function () {
  "use strict";

  var FIELDS = { title: "id_title", description: "id_description", price: "id_price", condition: "id_condition" };

  function form() { return document.getElementById("listing-form"); }

  function setValue(element, value) {
    if (!element) return false;
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.classList.add("filled-by-ai");
    return true;
  }

  // One request per click, with every part it used: a request per part, all at once, made the
  // server write one row concurrently. `keepalive` lets it finish if the seller publishes at once.
  function accept(suggestion, fields) {
    var token = form().querySelector("[name=csrfmiddlewaretoken]").value;
    var body = new URLSearchParams();
    fields.forEach(function (field) { body.append("field", field); });
    fetch(suggestion.dataset.acceptUrl, {
      method: "POST", body: body, credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": token },
    });
  }

  // A value the seller entered themselves (not one the assistant filled in, not the same value).
  // "Use all" keeps it; the part's own "Use" button still replaces it, on purpose.
  function sellersOwn(element, value) {
    return !!element && element.value !== "" && element.value !== String(value)
      && !element.classList.contains("filled-by-ai");
  }

  function fillAttributes(keepSellers) {
    var attributes = JSON.parse(document.getElementById("suggestion-attributes").textContent);
    Object.keys(attributes).forEach(function (key) {
      var input = document.getElementById("id_attr_" + key);
      if (keepSellers && sellersOwn(input, attributes[key])) return;
      setValue(input, attributes[key]);
    });
  }

  function target(part) {
    var field = part.dataset.use;
    return document.getElementById(field === "category" ? "id_category" : FIELDS[field]);
  }

  // Choosing a category swaps its attribute fields in (htmx); run `then` once they are there.
  // `id` is the value of the category's option in the select (its primary key).
  function useCategory(id, then) {
    var select = document.getElementById("id_category");
    var known = Array.from(select.options).some(function (o) { return o.value === id; });
    if (select.value === id || !known) { if (then) then(); return; }
    if (then) {
      document.body.addEventListener("htmx:afterSettle", function done(event) {
        if (event.detail.target.id !== "category-fields") return;
        document.body.removeEventListener("htmx:afterSettle", done);
        then();
      });
    }
    setValue(select, id);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function use(button) {
    var suggestion = button.closest("[data-suggestion]");
    document.getElementById("id_suggestion").value = suggestion.dataset.suggestion;
    var all = button.dataset.use === "all";
    var buttons = all
      ? Array.from(suggestion.querySelectorAll("[data-use]:not([data-use=all])"))
      : [button];
    var categoryButton = suggestion.querySelector("[data-use=category]");
    if (all) {
      // What the seller typed stays (their price above all); those parts say so.
      var keptCategory = categoryButton && sellersOwn(target(categoryButton), categoryButton.dataset.value);
      buttons = buttons.filter(function (part) {
        var kept = part.dataset.use === "attributes" ? keptCategory : sellersOwn(target(part), part.dataset.value);
        if (kept) { part.textContent = "Use instead of yours"; part.classList.add("kept-sellers"); }
        return !kept;
      });
    }
    var fields = buttons.map(function (b) { return b.dataset.use; });
    // Attributes belong to their category: using them uses the category too.
    if (fields.indexOf("attributes") >= 0 && categoryButton && fields.indexOf("category") < 0) {
      buttons.push(categoryButton);
      fields.push("category");
    }
    function fill() {
      buttons.forEach(function (part) {
        var field = part.dataset.use;
        if (field === "attributes") fillAttributes(all);
        else if (FIELDS[field]) setValue(document.getElementById(FIELDS[field]), part.dataset.value);
        if (field === "price" && part.dataset.currency) setValue(document.getElementById("id_currency"), part.dataset.currency);
        part.textContent = "Used";
        part.disabled = true;
      });
      if (fields.length) accept(suggestion, fields);
      if (all) { button.textContent = "Used"; button.disabled = true; }
    }
    if (fields.indexOf("category") >= 0) useCategory(categoryButton.dataset.value, fill);
    else fill();
  }

  // The seller's "not helpful": the server records it as a score on the suggestion's call.
  function dismiss(suggestion) {
    var token = form().querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(suggestion.dataset.dismissUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "X-CSRFToken": token },
    });
    suggestion.hidden = true;
  }

  // Suggest also sends the form's description, where the seller may have stated their price
  // (the server reads it for that alone). Not hx-include: htmx would validate that required
  // field and send nothing while it is empty.
  document.addEventListener("htmx:configRequest", function (event) {
    var description = document.getElementById("id_description");
    if (event.target.closest(".assistant-form") && description) {
      event.detail.parameters.description = description.value;
    }
  });

  // A field the seller edits after the assistant filled it is theirs again.
  document.addEventListener("input", function (event) {
    if (event.isTrusted && event.target.classList) event.target.classList.remove("filled-by-ai");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-suggestion] [data-use]");
    if (button && form()) use(button);
    var dismissButton = event.target.closest("[data-suggestion] [data-dismiss]");
    if (dismissButton && form()) dismiss(dismissButton.closest("[data-suggestion]"));
  });
})();
