// When an in-place update (htmx) fails, say so where messages appear instead of doing nothing.
document.addEventListener("htmx:responseError", () => {
  const messages = document.getElementById("messages");
  if (!messages) return;
  const line = document.createElement("p");
  line.className = "message message-error";
  line.setAttribute("role", "alert");
  line.textContent = document.body.dataset.requestFailed;
  messages.replaceChildren(line);
});

// The compare bar: counts the ticked frameworks ("Compare (2)") and keeps the ticks while the
// visitor pages through the ranking. Without JavaScript the ticks still submit as a plain GET.
const COMPARE_KEY = "pywebrank.compare";

function storedTicks() {
  try {
    return JSON.parse(sessionStorage.getItem(COMPARE_KEY)) || [];
  } catch {
    return [];
  }
}

function storeTicks(slugs) {
  try {
    sessionStorage.setItem(COMPARE_KEY, JSON.stringify(slugs));
  } catch {
    // Storage can be off (private mode): the ticks on this page still work.
  }
}

function setUpCompareBar(form) {
  const boxes = Array.from(document.querySelectorAll(`input[form="${form.id}"][name="f"]`));
  const onPage = new Set(boxes.map((box) => box.value));
  const button = form.querySelector("[data-role=compare-button]");
  const plainLabel = button.textContent;
  let ticked = storedTicks();
  boxes.forEach((box) => { box.checked = ticked.includes(box.value); });

  function render() {
    form.querySelectorAll("input[data-kept]").forEach((input) => input.remove());
    ticked.filter((slug) => !onPage.has(slug)).forEach((slug) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "f";
      input.value = slug;
      input.dataset.kept = "";
      form.append(input);
    });
    button.textContent = ticked.length ? form.dataset.label.replace("{n}", ticked.length) : plainLabel;
    form.classList.toggle("has-ticks", ticked.length > 0);
  }

  // The columns come in the order of the ticks, wherever on the page (or on which page) they were.
  form.addEventListener("submit", (event) => {
    if (!ticked.length) return;
    event.preventDefault();
    window.location.assign(`${form.action}?${new URLSearchParams(ticked.map((slug) => ["f", slug]))}`);
  });

  boxes.forEach((box) => box.addEventListener("change", () => {
    ticked = ticked.filter((slug) => slug !== box.value);
    if (box.checked) ticked.push(box.value);
    storeTicks(ticked);
    render();
  }));
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("compare-form");
  if (bar) setUpCompareBar(bar);
  // What is compared now is what stays ticked when the visitor goes back to the ranking.
  const compared = document.querySelector("[data-compared]");
  if (compared) storeTicks(compared.dataset.compared.split(" "));
});

// Over an abuse limit (429) the server answers with the widget and its message: show it in place.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
