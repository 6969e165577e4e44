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
