// Small behaviours that keep templates free of inline script (our CSP forbids it).
document.addEventListener("change", (event) => {
  // The language switcher applies the choice at once; without JS a button does.
  const form = event.target.closest(".js-language-form");
  if (form) form.submit();
});

// A visit typed on a phone between meetings is never lost: the form keeps a
// draft in this browser until the server says it is saved. The draft holds the
// form's one-time key (create_key, core/idempotency.py), so sending it again, after
// a failed answer or later from an offline queue, shows the visit made, not a second.
const CREATE_KEY = "create_key";
const DRAFT = "kam-draft:";
// The page after a save names the key it saved (partials/messages.html): that draft is done.
document.querySelectorAll("[data-saved-key]").forEach((el) => {
  Object.keys(localStorage).filter((k) => k.startsWith(DRAFT)).forEach((k) => {
    try {
      if ((JSON.parse(localStorage.getItem(k))[CREATE_KEY] || [])[0] === el.dataset.savedKey) localStorage.removeItem(k);
    } catch (e) { localStorage.removeItem(k); }
  });
});
document.querySelectorAll("form[data-draft-key]").forEach((form) => {
  const key = DRAFT + form.dataset.draftKey;
  const keyField = form.elements[CREATE_KEY];
  const fields = () => Array.from(form.elements).filter((el) => el.name && el.type !== "hidden" && el.type !== "submit");
  const saved = localStorage.getItem(key);
  const banner = document.querySelector(".js-draft-restored");
  // Restore only into a fresh form: after a failed submit the server already re-rendered what was typed.
  const fresh = !form.querySelector(".is-invalid, .alert-danger");
  if (saved && fresh) {
    const data = JSON.parse(saved);
    fields().forEach((el) => {
      if (!(el.name in data)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data[el.name].includes(el.value);
      else el.value = data[el.name][0];
    });
    if (keyField && data[CREATE_KEY]) keyField.value = data[CREATE_KEY][0];
    if (banner) banner.classList.remove("d-none");
    if (data.sent) document.querySelector(".js-draft-sent")?.classList.remove("d-none");
  }
  const store = (sent) => {
    const data = {};
    fields().forEach((el) => {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (data[el.name] = data[el.name] || []).push(el.value);
    });
    if (keyField) data[CREATE_KEY] = [keyField.value];
    if (sent) data.sent = true;
    localStorage.setItem(key, JSON.stringify(data));
  };
  form.addEventListener("input", () => store(false));
  form.addEventListener("change", () => store(false));
  // With a key the draft stays until the saved page confirms it; without one (an edit) it goes now.
  form.addEventListener("submit", () => (keyField ? store(true) : localStorage.removeItem(key)));
  document.querySelector(".js-draft-discard")?.addEventListener("click", () => {
    localStorage.removeItem(key);
    window.location.reload();
  });
});

// "Copy link": the calendar-feed URL goes to the clipboard; where the clipboard API
// is not allowed (plain http), the text is selected so that Ctrl-C copies it.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".js-copy");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyTarget);
  const done = () => document.querySelector(".js-copied")?.classList.remove("d-none");
  field.select();
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, done);
  else { document.execCommand("copy"); done(); }
});
// The plan's print view: a button instead of an inline onclick (CSP).
document.querySelectorAll(".js-print").forEach((button) => button.addEventListener("click", () => window.print()));

// The plan's goal form shows only the measure the chosen kind needs; without JS all stay visible.
const goalKind = document.querySelector("select#id_kind");
if (goalKind && document.getElementById("id_target_amount")) {
  const measure = { revenue: "target_amount", product: "target_text", relationship: "target_style",
                    coverage: "target_count", tier: "target_tier", other: "target_text" };
  const fields = ["target_amount", "target_count", "target_style", "target_tier", "target_text"];
  const show = () => fields.forEach((name) => {
    const wanted = measure[goalKind.value];
    document.getElementById("div_id_" + name)?.classList.toggle("d-none", Boolean(wanted) && wanted !== name);
  });
  goalKind.addEventListener("change", show);
  show();
}

// Foldable panels: open in the HTML (so that without JavaScript nothing is hidden), folded at
// load on a phone, where the account page would otherwise be thousands of pixels long.
if (window.matchMedia("(max-width: 991.98px)").matches) {
  document.querySelectorAll("details.js-fold-on-phone").forEach((panel) => panel.removeAttribute("open"));
}
