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

// Feedback where the eye is: when htmx swaps in a part of the page that brings the feedback box (#flash, placed in
// the part the change concerns), the box is scrolled into view with the part's heading above it (its CSS
// scroll-margin) and takes the keyboard focus. Without this script the browser does the same by following the
// redirect to #flash, or by the box's autofocus.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const box = document.querySelector("#flash[data-feedback]");
  if (!box || !event.detail.elt.contains(box)) return;
  box.scrollIntoView({ block: "start", behavior: "instant" });
  box.focus({ preventScroll: true });
});

// A link to a form folded away (templates/cases/_macros.html, fold) opens it: the <details> that is, or holds, the
// link's target opens before the browser goes there, and so does the one the address names when the page is shown
// (the "Next" button, a task's link, a problem's link to its field); a form given back its typed text after
// signing in again (below) opens too. Without this script the server renders open the fold of the next thing to do
// and of a form sent back, refused or with its problems.
function openFoldsAround(element) {
  for (let fold = element && element.closest("details"); fold; fold = fold.parentElement.closest("details")) {
    fold.open = true;
  }
}
const openFoldsAt = (hash) => openFoldsAround(hash.length > 1 && document.getElementById(hash.slice(1)));
openFoldsAt(location.hash);
window.addEventListener("hashchange", () => openFoldsAt(location.hash));
document.body.addEventListener("click", (event) => {
  const link = event.target.closest('a[href^="#"]');
  if (link) openFoldsAt(link.getAttribute("href"));
});

// Typed text survives an ended session. When the server answers an htmx request by sending the browser to sign in
// (HX-Redirect to /login), what was typed into the form that sent it is kept in this tab's sessionStorage; when
// the same page is shown again after signing in (within an hour), it is put back into the same form with a note
// to check it and send it. Nothing is sent again by itself; hidden fields (the form's token, the record's
// version) come fresh from the page.
const KEPT = "casebook:kept-form";
const KEEP_FOR_MS = 60 * 60 * 1000;
const SKIPPED = new Set(["hidden", "password", "file", "submit", "button", "reset"]);

const formKey = (form) => form.getAttribute("action") || form.getAttribute("hx-post") || "";
const here = () => location.pathname + location.search;

document.body.addEventListener("htmx:beforeOnLoad", (event) => {
  const redirect = event.detail.xhr.getResponseHeader("HX-Redirect");
  const form = event.detail.elt.closest("form");
  if (!redirect || !form || new URL(redirect, location.href).pathname !== "/login") return;
  const fields = [];
  for (const field of form.elements) {
    if (!field.name || SKIPPED.has(field.type)) continue;
    if (field.type === "checkbox" || field.type === "radio") {
      fields.push({ name: field.name, value: field.value, checked: field.checked });
    } else if (field.type === "select-multiple") {
      fields.push({ name: field.name, values: [...field.selectedOptions].map((option) => option.value) });
    } else {
      fields.push({ name: field.name, value: field.value });
    }
  }
  sessionStorage.setItem(KEPT, JSON.stringify({ page: here(), form: formKey(form), fields, at: Date.now() }));
});

function putBackKeptForm() {
  const kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
  if (!kept) return;
  const stale = Date.now() - kept.at > KEEP_FOR_MS;
  if (stale) sessionStorage.removeItem(KEPT);
  if (stale || kept.page !== here()) return;
  sessionStorage.removeItem(KEPT);
  const form = [...document.forms].find((candidate) => formKey(candidate) === kept.form);
  if (!form) return;
  const named = (name) => [...form.elements].filter((field) => field.name === name);
  for (const saved of kept.fields) {
    for (const field of named(saved.name)) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.value === saved.value) field.checked = saved.checked;
      } else if (field.type === "select-multiple") {
        for (const option of field.options) option.selected = saved.values.includes(option.value);
      } else if (!SKIPPED.has(field.type)) {
        field.value = saved.value;
      }
    }
  }
  const note = document.createElement("div");
  note.className = "nhsuk-inset-text";
  note.setAttribute("role", "status");
  const words = document.createElement("p");
  words.textContent = "What you had typed was kept while you signed in again. Check it, then send it.";
  note.append(words);
  form.before(note);
  openFoldsAround(form);
  const first = form.querySelector("textarea, input:not([type=hidden]), select");
  if (first) first.focus();
}

putBackKeptForm();

// Signing out on purpose forgets anything kept.
document.querySelector("form.cb-signout")?.addEventListener("submit", () => sessionStorage.removeItem(KEPT));

// A button disabled until a box is ticked (`data-enabled-by` names the box): "Apply these changes" on an import
// with refused rows waits for "Apply the valid rows…". The server refuses it all the same without the box.
function enableByBoxes(root) {
  for (const button of root.querySelectorAll("[data-enabled-by]")) {
    const box = document.getElementById(button.dataset.enabledBy);
    if (box) button.disabled = !box.checked;
  }
}
document.body.addEventListener("change", (event) => {
  if (event.target.type === "checkbox") enableByBoxes(document);
});
document.body.addEventListener("htmx:afterSwap", () => enableByBoxes(document));
enableByBoxes(document);
