// Progressive enhancement only: every page works without this script.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// A problem the server reports without swapping anything (a rate limit met by an htmx request): its words go to
// the message area, and the page, with whatever was typed, stays as it is.
document.body.addEventListener("casebook:problem", (event) => {
  const flash = document.getElementById("flash");
  if (!flash) return;
  const box = document.createElement("div");
  box.className = "nhsuk-error-summary";
  box.setAttribute("role", "alert");
  const words = document.createElement("p");
  words.textContent = event.detail.value;
  box.append(words);
  flash.replaceChildren(box);
});
