/* Index filters: progressive enhancement. Without JavaScript the form stays hidden and every credential is
   listed; with it, the selects and the search field hide the cards that do not match, and the live region
   says how many remain. Plain DOM, no framework, no network. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("cards");
  if (!form || !list) {
    return;
  }
  var cards = Array.prototype.slice.call(list.querySelectorAll("li.card"));
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");
  var total = cards.length;

  // The page's own words (data attributes of the form), so the count speaks the catalog's language.
  function counted(n) {
    return (n === 1 ? form.dataset.one : form.dataset.other).replace("{count}", String(n));
  }

  function apply() {
    var classification = form.elements.classification.value;
    var type = form.elements.type.value;
    var level = form.elements.level.value;
    var text = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < cards.length; i++) {
      var data = cards[i].dataset;
      var match = (!classification || data.classification === classification) &&
        (!type || data.type === type) &&
        (!level || data.level === level) &&
        (!text || data.search.indexOf(text) !== -1);
      cards[i].hidden = !match;
      if (match) {
        shown++;
      }
    }
    count.textContent = shown === total ? counted(total) :
      form.dataset.showing.replace("{shown}", String(shown)).replace("{total}", counted(total));
    empty.hidden = shown !== 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);  // the reset event fires before the fields are cleared
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();  // Enter in the search field filters; there is nothing to submit
  });
  var clear = document.querySelector("[data-clear-filters]");
  if (clear) {
    clear.addEventListener("click", function () {
      form.reset();
      form.elements.classification.focus();
    });
  }
  form.hidden = false;
  apply();
})();
