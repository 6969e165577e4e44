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

// Over an abuse limit (429) the server answers with the widget and its message: show it in place.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
