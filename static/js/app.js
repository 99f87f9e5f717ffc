// Small behaviours that keep templates free of inline script (our CSP forbids it).
document.addEventListener("change", (event) => {
  // The language switcher applies the choice at once; without JS a button does.
  const form = event.target.closest(".js-language-form");
  if (form) form.submit();
});
